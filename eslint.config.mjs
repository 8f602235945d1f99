// Type-aware lint plus the module-boundary rule from design.md: each src/ folder may import
// only the folders listed for it, so the layering cannot rot silently.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layers = {
  core: [],
  api: ['core'],
  mkv: ['core'],
  packaging: ['core', 'mkv'],
  storage: ['core'],
  auth: ['core'],
  metrics: ['core'],
  streams: ['core', 'api', 'storage'],
  ingest: ['core', 'api', 'mkv', 'storage', 'streams', 'metrics'],
  media: ['core', 'api', 'mkv', 'storage', 'streams', 'metrics'],
  archive: ['core', 'api', 'mkv', 'storage', 'streams', 'media', 'packaging', 'metrics'],
  playback: ['core', 'api', 'mkv', 'storage', 'streams', 'media', 'archive', 'packaging', 'metrics'],
  images: ['core', 'api', 'mkv', 'storage', 'streams', 'media', 'archive', 'metrics'],
  actions: [
    'core',
    'api',
    'streams',
    'ingest',
    'media',
    'archive',
    'storage',
    'playback',
    'images',
    'metrics',
  ],
  http: ['core', 'api', 'auth', 'actions', 'metrics', 'playback'],
  cli: ['core', 'api', 'mkv'],
};
const all = Object.keys(layers);
const boundaryRules = all.map((layer) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: all
          .filter((other) => other !== layer && !layers[layer].includes(other))
          .map((other) => ({
            regex: `^(\\.\\./)+${other}/`,
            message: `src/${layer} may not import src/${other} (see design.md layout)`,
          })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/api/generated/**', 'data/**'] },
  js.configs.recommended,
  { files: ['scripts/**', 'bench/**', '*.mjs'], languageOptions: { globals: globals.node } },
  // The web console (bundled by scripts/build-console.mjs) runs in the browser.
  { files: ['web/**'], languageOptions: { globals: globals.browser } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaryRules,
);
