/**
 * `--output table`: a port of awscli/table.py (MultiTable, Section) and of the TableFormatter in
 * awscli/formatter.py, so tables match the AWS CLI v1 character for character: same column
 * scaling (with Python's round-half-even), same vertical conversion of one-row sections when
 * the table is wider than the terminal (80 columns when stdout is not a terminal).
 *
 * Colour: with `--color on` (or auto on a terminal) the CLI styles cells and indentation bars
 * and, because colorama is initialised with autoreset, every write() to stdout is followed by
 * an ANSI reset. The Sink below reproduces that so coloured output is byte-identical too.
 */
import { isJsonObject, isScalar, pyCompare, pyStr, type JsonObject } from './py-value.js';
import { textWidth } from './text-width.js';

const RESET = '\x1b[0m';

interface Styler {
  row(text: string): string;
  indent(text: string): string;
}
const PLAIN: Styler = { row: (t) => t, indent: (t) => t };
const COLOR: Styler = {
  row: (t) => `\x1b[1m\x1b[34m${t}${RESET}`,
  indent: (t) => `\x1b[2m\x1b[33m${t}${RESET}`,
};

/** Collects output; in colour mode each write gets colorama's autoreset suffix. */
class Sink {
  readonly parts: string[] = [];
  constructor(private readonly autoreset: boolean) {}
  write(text: string): void {
    this.parts.push(text);
    if (this.autoreset) this.parts.push(RESET);
  }
}

const spaces = (n: number): string => (n > 0 ? ' '.repeat(n) : '');
const dashes = (n: number): string => (n > 0 ? '-'.repeat(n) : '');

/** Python's round() (banker's rounding) for the column scaling. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function centerText(text: string, length: number, left: string, right: string, textLength: number): string {
  const charStart = Math.floor(length / 2) - Math.floor(textLength / 2) - 1;
  const lengthSoFar = textWidth(left) + charStart + textLength;
  return `${left}${spaces(charStart)}${text}${spaces(length - textWidth(right) - lengthSoFar)}${right}`;
}

function alignLeft(text: string, length: number, left: string, right: string, textLength: number): string {
  const padding = length - (textLength + 2 + textWidth(left) + textWidth(right)) >= 0 ? 2 : 0;
  const lengthSoFar = left.length + padding + textLength;
  return `${left}${spaces(padding)}${text}${spaces(length - lengthSoFar - right.length)}${right}`;
}

class Section {
  title = '';
  headers: string[] = [];
  rows: string[][] = [];
  indentLevel = 0;
  #numCols: number | undefined;
  #maxWidths: number[] = [];

  columnWidths(padding = 0, maxWidth?: number): number[] {
    const unscaled = this.#maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => pyRound(scale * w));
    let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (offBy !== 0) {
      const order = scaled.map((_, i) => i);
      if (offBy < 0) order.reverse();
      for (const i of order) {
        if (offBy > 0) {
          scaled[i]!--;
          offBy--;
        } else {
          scaled[i]!++;
          offBy++;
        }
        if (offBy === 0) break;
      }
    }
    return scaled;
  }

  totalWidth(padding: number, outerPadding: number): number {
    const total = this.columnWidths().reduce((a, w) => a + w + padding, 0) + 2 + 2 * outerPadding;
    return Math.max(textWidth(this.title) + 2 + 2 * outerPadding, total);
  }

  addHeader(headers: string[]): void {
    this.#updateMaxWidths(headers);
    this.#numCols ??= headers.length;
    this.headers = headers;
  }

  addRow(row: unknown[]): void {
    this.#numCols ??= row.length;
    if (row.length !== this.#numCols) {
      throw new Error(`Row should have ${this.#numCols} elements, instead it has ${row.length}`);
    }
    const cells = row.map(pyStr);
    this.rows.push(cells);
    this.#updateMaxWidths(cells);
  }

  #updateMaxWidths(row: string[]): void {
    if (this.#maxWidths.length === 0) this.#maxWidths = row.map(textWidth);
    else row.forEach((el, i) => (this.#maxWidths[i] = Math.max(textWidth(el), this.#maxWidths[i] ?? 0)));
  }
}

class MultiTable {
  readonly sections: Section[] = [];
  #current: Section | undefined;

  constructor(
    private readonly terminalWidth: number,
    private readonly styler: Styler,
  ) {}

  newSection(title: string, indentLevel = 0): void {
    this.#current = new Section();
    this.#current.title = title;
    this.#current.indentLevel = indentLevel;
    this.sections.push(this.#current);
  }

  addRowHeader(headers: string[]): void {
    this.#section().addHeader(headers);
  }

  addRow(row: unknown[]): void {
    this.#section().addRow(row);
  }

  #section(): Section {
    if (!this.#current) throw new Error("'NoneType' object has no attribute 'add_row'");
    return this.#current;
  }

  render(sink: Sink): void {
    let maxWidth = this.#maxWidth();
    if (maxWidth > this.terminalWidth) {
      this.#convertToVertical();
      maxWidth = this.#maxWidth();
    }
    sink.write(`${'-'.repeat(maxWidth)}\n`);
    for (const section of this.sections) this.#renderSection(section, maxWidth, sink);
  }

  #maxWidth(): number {
    return Math.max(...this.sections.map((s) => s.totalWidth(4, s.indentLevel)));
  }

  /** One-row sections are turned into key/value rows (awscli convert_to_vertical_table). */
  #convertToVertical(): void {
    this.sections.forEach((section, i) => {
      if (section.rows.length !== 1 || section.headers.length === 0) return;
      const vertical = new Section();
      vertical.title = section.title;
      vertical.indentLevel = section.indentLevel;
      const row = section.rows[0]!;
      section.headers.forEach((h, j) => {
        if (j < row.length) vertical.addRow([h, row[j]]);
      });
      this.sections[i] = vertical;
    });
  }

  #renderSection(section: Section, maxWidth: number, sink: Sink): void {
    const bar = this.styler.indent('|').repeat(section.indentLevel);
    // awscli IndentedStream: indentation bars around every line, each part a separate write.
    const write = (text: string): void => {
      sink.write(bar);
      if (text.endsWith('\n')) {
        sink.write(text.slice(0, -1));
        sink.write(bar);
        sink.write('\n');
      } else {
        sink.write(text);
      }
    };
    const width = maxWidth - section.indentLevel * 2;
    if (section.title) {
      write(`${centerText(section.title, width, '|', '|', textWidth(section.title))}\n`);
      if (section.headers.length === 0 && section.rows.length === 0) write(`+${dashes(width - 2)}+\n`);
    }
    if (section.headers.length > 0) {
      const widths = section.columnWidths(4, width);
      let line = '';
      widths.forEach((w, i) => {
        const header = section.headers[i];
        if (header === undefined) return;
        line += centerText(header, w, i === 0 ? '|' : '', '|', textWidth(header));
      });
      write(lineBreak(widths));
      write(`${line}\n`);
    }
    if (section.rows.length > 0) {
      const widths = section.columnWidths(4, width);
      if (widths.length === 0) return;
      write(lineBreak(widths));
      for (const row of section.rows) {
        let line = '';
        widths.forEach((w, i) => {
          const cell = row[i];
          if (cell === undefined) return;
          line += alignLeft(this.styler.row(cell), w, i === 0 ? '|' : '', '|', textWidth(cell));
        });
        write(`${line}\n`);
      }
      write(lineBreak(widths));
    }
  }
}

function lineBreak(widths: number[]): string {
  return `${widths.map((w, i) => (i === 0 ? `+${dashes(w - 2)}+` : `${dashes(w - 1)}+`)).join('')}\n`;
}

/** awscli TableFormatter: builds sections from the response and renders them. */
export function formatTable(
  title: string,
  data: unknown,
  options: { color: boolean; terminalWidth: number },
): string {
  const table = new MultiTable(options.terminalWidth, options.color ? COLOR : PLAIN);
  if (!buildTable(table, title, data, 0)) return '';
  const sink = new Sink(options.color);
  table.render(sink);
  return sink.parts.join('');
}

function isFalsy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0) return true;
  if (v instanceof Number) return v.valueOf() === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isJsonObject(v)) return Object.keys(v).length === 0;
  return false;
}

function buildTable(table: MultiTable, title: string | undefined, current: unknown, indent: number): boolean {
  if (isFalsy(current)) return false;
  if (title !== undefined) table.newSection(title, indent);
  if (Array.isArray(current)) {
    if (isJsonObject(current[0])) {
      subTableFromList(table, current as JsonObject[], indent, title);
    } else {
      for (const item of current) {
        if (isScalar(item)) table.addRow([item]);
        else if (Array.isArray(item) && item.every(isScalar)) table.addRow(item);
        // Python iterates a dict's keys here, so a structure in a scalar list becomes a row of keys.
        else if (isJsonObject(item)) table.addRow(Object.keys(item));
        else buildTable(table, undefined, item, 0);
      }
    }
  }
  if (isJsonObject(current)) subTableFromDict(table, current, indent);
  return true;
}

function groupScalarKeys(current: JsonObject): [string[], string[]] {
  const headers: string[] = [];
  const more: string[] = [];
  for (const [k, v] of Object.entries(current)) (isScalar(v) ? headers : more).push(k);
  return [headers.sort(pyCompare), more.sort(pyCompare)];
}

function subTableFromDict(table: MultiTable, current: JsonObject, indent: number): void {
  const [headers, more] = groupScalarKeys(current);
  if (headers.length === 1) table.addRow([headers[0], current[headers[0]!]]);
  else if (headers.length > 0) {
    table.addRowHeader(headers);
    table.addRow(headers.map((k) => current[k]));
  }
  for (const key of more) buildTable(table, key, current[key], indent + 1);
}

function subTableFromList(
  table: MultiTable,
  current: JsonObject[],
  indent: number,
  title: string | undefined,
): void {
  const headerSet = new Set<string>();
  const moreSet = new Set<string>();
  for (const item of current) {
    const [h, m] = groupScalarKeys(item);
    h.forEach((k) => headerSet.add(k));
    m.forEach((k) => moreSet.add(k));
  }
  const headers = [...headerSet].sort(pyCompare);
  const more = [...moreSet].sort(pyCompare);
  table.addRowHeader(headers);
  current.forEach((element, i) => {
    if (i > 0 && more.length > 0) {
      table.newSection(title ?? '', indent);
      table.addRowHeader(headers);
    }
    table.addRow(headers.map((h) => (h in element ? element[h] : '')));
    for (const key of more) if (key in element) buildTable(table, key, element[key], indent + 1);
  });
}
