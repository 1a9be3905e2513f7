/** A number as the report prints it: en-US thousands separators, `digits` decimals; '—' when not finite. */
export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';
