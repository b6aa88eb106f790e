/**
 * Widths of text in the report's SVGs, computed here because the SVG is laid out before any
 * browser sees it. The advance widths (in em) are those of DejaVu Sans, the widest of the usual
 * system sans-serif fonts (Debian's default; Verdana-like): text measured with them fits when
 * the browser picks a narrower one (Segoe UI, San Francisco, Helvetica, Arial, Roboto).
 */

// Printable ASCII from ' ' (32) to '~' (126), regular weight.
const REGULAR = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
  1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
  0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5,
  0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
  0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
];

/** Characters outside printable ASCII are counted as one em: wide enough for accents and most symbols. */
const OTHER = 1.0;

/** Width in pixels of `text` set at `fontSize` pixels. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += code >= 32 && code <= 126 ? REGULAR[code - 32] : OTHER;
  }
  return em * fontSize;
}
