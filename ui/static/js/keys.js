// The letter of a Ctrl (⌘) shortcut: the key's on a Latin layout, and with a Hebrew, Arabic,
// Persian, Russian or Greek one on, the letter its place has on the US one (event.code), as GTK's
// menus and the browsers' own shortcuts take it: Ctrl+B there sends the key 'נ' or 'ذ' or 'и'.
export function shortcutLetter(event) {
  const key = event.key.toLowerCase();
  if (/^[a-z]$/.test(key)) return key;
  return /^Key[A-Z]$/.test(event.code) ? event.code.slice(3).toLowerCase() : key;
}
