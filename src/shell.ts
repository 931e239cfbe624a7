/** Quotes one word for POSIX sh / bash: unchanged when safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  // each ' becomes '\'' (close the quote, an escaped quote, reopen)
  return `'${word.replace(/'/g, '\'\\\'\'')}'`;
}

/** Shell words for paths: each quoted when needed, joined by spaces. */
export function shellWords(words: string[]): string {
  return words.map(shellQuote).join(' ');
}
