/** GetDASHStreamingSessionURL (spec §7.5): a session URL on this server's data endpoint. */
import type { archived } from '../../api/index.js';
import type { ActionServices } from '../context.js';

export async function getDASHStreamingSessionURL(
  input: archived.GetDASHStreamingSessionURLInput,
  { streams, playback, dataEndpoint }: ActionServices,
): Promise<archived.GetDASHStreamingSessionURLOutput> {
  const stream = streams.resolve(input);
  const url = playback.createSessionUrl(
    {
      kind: 'DASH',
      ...(input.PlaybackMode ? { PlaybackMode: input.PlaybackMode } : {}),
      ...(input.DASHFragmentSelector ? { FragmentSelector: input.DASHFragmentSelector } : {}),
      ...(input.DisplayFragmentTimestamp ? { DisplayFragmentTimestamp: input.DisplayFragmentTimestamp } : {}),
      ...(input.DisplayFragmentNumber ? { DisplayFragmentNumber: input.DisplayFragmentNumber } : {}),
      ...(input.Expires !== undefined ? { Expires: input.Expires } : {}),
      ...(input.MaxManifestFragmentResults !== undefined
        ? { MaxResults: input.MaxManifestFragmentResults }
        : {}),
    },
    stream,
    dataEndpoint(),
  );
  return { DASHStreamingSessionURL: url };
}
