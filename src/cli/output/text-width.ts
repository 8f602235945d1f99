/**
 * Display width of text as the AWS CLI's table formatter measures it: Python's
 * `unicodedata.east_asian_width(ch) in 'WFA'` counts 2 columns, everything else 1
 * (awscli/table.py get_text_length). The ranges below are the W/F/A code points of Unicode 14.0
 * (the Python 3.11 the reference CLI runs on), with unassigned gaps merged, stored as hex deltas
 * (start minus previous end, then length) to keep the table small.
 */
const ENCODED = [
  'a1,0,3,0,3,1,2,0,3,1,2,4,2,4,2,3,7,0,a,0,7,1,6,3,5,0,2,2,2,1,3,0,2,1,4,3,2,0,2,0,3,0,10,0,2,0,8,0,b,',
  '1,4,0,6,2,5,0,7,3,2,0,4,3,2,0,5,1,13,1,4,0,63,0,2,0,2,0,2,0,2,0,2,0,2,0,2,0,75,0,10,0,63,0,3,0,2,2,2',
  ',0,3,0,8,3,2,0,2,0,21,6f,22,18,8,10,2,6,38,0,f,3f,2,0,caf,5f,eb1,0,3,3,2,1,3,1,3,2,2,3,9,0,2,1,2,0,6',
  ',0,3,0,36,0,b,0,2,3,28,0,57,0,2,0,4,0,a,0,3,0,b,1,4,0,5,0,28,1,7,3,2,b,5,9,10,0,7,9,1f,1,19,0,2,0,13',
  ',0,19,0,2,1,4,1,3,0,4,0,2,0,4,0,5,0,3,3,3,0,2,0,2,5,2,0,6,3,5,1,b,0,4,0,6,0,e,1,3,3,3,1,3,1,13,1,3,1',
  ',e,0,4,0,c,0,1a,0,53,0,8,1,e,1,bf,3,4,0,3,0,6d,89,2,60,5,23,d,f,3,3,b,1,2,6,9,1,3,1,5,1,3,1,5,2,3,0,',
  '3,3,11,3,a,0,e,1,7,1,3,0,5,1,5,1,7,0,2,0,22,0,2,0,6,b,d,1,2,2,2,3,2,1,2,0,10,0,14,0,b,1,2,0,9,1,12,2',
  ',5,1d,2,0,5,17,6,0,5,1,1d,0,15,0,f,0,2,0,5,2,2,0,1f,9,16,2,19,0,f,0,35c,1,34,0,5,4,327,1be,3,1d7e,41',
  ',56c6,49a,1c,284,2ba3,85d,1ad9,327,19,17,3b,96,5f,80,6,17,0,6fe3,431b,3d09,0,cb,0,31,a,6,1d,3,39,7,3',
  'c,54,120,d,8,2,45,2,15,d,2a,5,4,d,10,4,0,4,46,2,0,2,ba,3,3e,e,3,2,17,13,0,1b,1,e,0,57,54,31,45,7,0,4',
  ',2,3,a,c,1,8,8,e4,10,11c,2e,2,9,2,b8,71,86,50a,1134a,aedb6,2fefd',
].join('');

const RANGES: [number, number][] = (() => {
  const nums = ENCODED.split(',').map((h) => parseInt(h, 16));
  const out: [number, number][] = [];
  let prev = 0;
  for (let i = 0; i + 1 < nums.length; i += 2) {
    const start = prev + nums[i]!;
    const end = start + nums[i + 1]!;
    out.push([start, end]);
    prev = end;
  }
  return out;
})();

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = RANGES[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/** awscli get_text_length(). */
export function textWidth(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0xa1 ? 1 : isWide(cp) ? 2 : 1;
  }
  return n;
}
