// The page's one CSV reader (RFC 4180 quoting, any line ending): the header row of the person's file, and the rows
// of a downloaded output.

/** Rows of cells; a quote opens a quoted field only at a field's start. Stops after `limit` rows. */
export function csvRows(text, { delimiter = ',', limit = Infinity } = {}) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < limit; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (rows.length < limit && (cell !== '' || row.length)) rows.push([...row, cell]);
  return rows;
}
