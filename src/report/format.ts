/** Text formatting shared by the HTML reports and the status page (server side). */

export const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export const pct = (x: number, digits = 2): string =>
  Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—';

/** Made once: toLocaleString with options builds a formatter at every call (a report prints thousands). */
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const money = (x: number): string => (Number.isFinite(x) ? WHOLE.format(x) : '—');

/** `2024-03-04 15:00 UTC` from an ISO string or epoch ms; the date alone at midnight unless `withTime`. */
export function when(t: string | number | null, withTime = false): string {
  if (t === null) return '—';
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) return String(t);
  const iso = new Date(ms).toISOString();
  const time = iso.slice(11, 16);
  return time === '00:00' && !withTime ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time} UTC`;
}

export function table(head: readonly string[], rows: readonly (readonly unknown[])[], id?: string): string {
  const attrs = id ? ` id="${esc(id)}" class="sortable"` : '';
  return `<table${attrs}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
