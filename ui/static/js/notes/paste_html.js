// Rich text pasted into the note's text (copied from a web page, a word processor, an email) is
// pasted as Markdown, as Obsidian and Joplin do: its headings, lists, links, bold and italics,
// quotes, code and tables kept, rather than its bare text. Text copied from a code editor, whose
// HTML is lines of coloured spans, and HTML that says nothing Markdown would (a plain span) is
// pasted as its text, as before; so is anything pasted into a fenced code block.

const BLOCKS = new Set(['P', 'DIV', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'MAIN', 'ASIDE', 'NAV', 'FIGURE', 'FIGCAPTION', 'DL', 'DT', 'DD', 'ADDRESS', 'CENTER']);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'HEAD', 'META', 'TITLE', 'LINK', 'NOSCRIPT', 'TEMPLATE', 'BUTTON', 'SELECT', 'TEXTAREA']);
const SAFE_ADDRESS = /^(?:https?:|mailto:)/i;
// What makes HTML worth turning into Markdown: something Markdown writes.
const MEANINGFUL = 'a[href], h1, h2, h3, h4, h5, h6, li, strong, b, em, i, blockquote, table, pre, code, hr, s, del, span[style*="font-weight"], span[style*="italic"]';
const CODE_FENCE = /^[ \t]*(?:```|~~~)/gm;
// An address's parentheses and spaces, which would end a Markdown link early.
const escapeAddress = (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

export function insideCodeBlock(text, position) {
  return (text.slice(0, position).match(CODE_FENCE) ?? []).length % 2 === 1;
}

// The Markdown for pasted HTML, or null if it is better pasted as its text.
export function markdownFromHtml(html) {
  const page = new DOMParser().parseFromString(html, 'text/html');
  const root = page.body;
  if (!root || !root.querySelector(MEANINGFUL)) return null;
  // A code editor's copy (VS Code's, say): its lines kept as they are, in a block of `white-space: pre`.
  if ([...root.querySelectorAll('[style]')].some((element) => /white-space:\s*pre/i.test(element.getAttribute('style')))
      && !root.querySelector('pre')) return null;
  const markdown = blocks(root, 0)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return markdown || null;
}

function blocks(node, depth) {
  let text = '';
  for (const child of node.childNodes) text += convert(child, depth);
  return text;
}

function inline(node, depth) {
  return blocks(node, depth).replace(/\s*\n\s*/g, ' ');
}

// Emphasis around the text, its spaces outside it (`** bold **` is no emphasis in Markdown).
function wrapped(marker, text) {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  return match[2] ? `${match[1]}${marker}${match[2]}${marker}${match[3]}` : text;
}

function convert(node, depth) {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent.replace(/\s+/g, ' ');
  if (node.nodeType !== Node.ELEMENT_NODE || SKIPPED.has(node.tagName)) return '';
  const tag = node.tagName;
  if (/^H[1-6]$/.test(tag)) return `\n\n${'#'.repeat(Number(tag[1]))} ${inline(node, depth).trim()}\n\n`;
  if (BLOCKS.has(tag)) return `\n\n${blocks(node, depth)}\n\n`;
  switch (tag) {
    case 'BR': return '\n';
    case 'HR': return '\n\n---\n\n';
    case 'STRONG': case 'B':  // (Google Docs wraps a whole copy in <b style="font-weight:normal">)
      return /font-weight:\s*(?:normal|[1-4]00)/i.test(node.getAttribute('style') ?? '') ? blocks(node, depth) : wrapped('**', inline(node, depth));
    case 'SPAN': {  // a word processor's bold and italics, as styles
      const style = node.getAttribute('style') ?? '';
      let text = inline(node, depth);
      if (/font-weight:\s*(?:bold|[6-9]00)/i.test(style)) text = wrapped('**', text);
      if (/font-style:\s*italic/i.test(style)) text = wrapped('*', text);
      return text;
    }
    case 'EM': case 'I': return wrapped('*', inline(node, depth));
    case 'S': case 'DEL': case 'STRIKE': return wrapped('~~', inline(node, depth));
    case 'CODE': return node.closest('pre') ? node.textContent : codeSpan(node.textContent);
    case 'PRE': return `\n\n\`\`\`\n${node.textContent.replace(/\n$/, '')}\n\`\`\`\n\n`;
    case 'A': {
      const text = inline(node, depth).trim();
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_ADDRESS.test(href)) return text;
      return text && text !== href ? `[${text.replace(/[[\]]/g, '\\$&')}](${href.replace(/[()\s]/g, escapeAddress)})` : href;
    }
    case 'IMG': {
      // The app shows no image from another site: a link to it, as an Evernote import makes one.
      const src = node.getAttribute('src') ?? '';
      return SAFE_ADDRESS.test(src) ? `[${(node.getAttribute('alt') || 'image').replace(/[[\]]/g, '')}](${src.replace(/[()\s]/g, escapeAddress)})` : '';
    }
    case 'UL': case 'OL': return `\n\n${list(node, depth)}\n\n`;
    case 'LI': return `\n${blocks(node, depth)}\n`;  // an item outside a list
    case 'BLOCKQUOTE': {
      const quoted = blocks(node, depth).replace(/\n{3,}/g, '\n\n').trim();
      return `\n\n${quoted.split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n')}\n\n`;
    }
    case 'TABLE': return `\n\n${table(node, depth)}\n\n`;
    case 'INPUT': return node.type === 'checkbox' ? (node.checked ? '[x] ' : '[ ] ') : '';
    default: return blocks(node, depth);
  }
}

function codeSpan(text) {
  const ticks = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  return text.includes('`') ? `${ticks} ${text} ${ticks}` : `\`${text}\``;
}

function list(node, depth) {
  const ordered = node.tagName === 'OL';
  let number = Number(node.getAttribute('start') ?? 1) || 1;
  const lines = [];
  for (const item of node.children) {
    if (item.tagName !== 'LI') {
      if (item.tagName === 'UL' || item.tagName === 'OL') lines.push(list(item, depth + 1));
      continue;
    }
    let own = '';
    const nested = [];
    for (const child of item.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE && (child.tagName === 'UL' || child.tagName === 'OL')) nested.push(list(child, depth + 1));
      else own += convert(child, depth + 1);
    }
    const marker = ordered ? `${number++}.` : '-';
    const text = own.replace(/\n{2,}/g, '\n').trim().split('\n').join(`\n${'\t'.repeat(depth + 1)}`);
    lines.push(`${'\t'.repeat(depth)}${marker} ${text}`, ...nested);
  }
  return lines.join('\n');
}

function table(node, depth) {
  const rows = [...node.querySelectorAll('tr')].filter((row) => row.closest('table') === node);
  if (!rows.length) return blocks(node, depth);
  const cells = rows.map((row) => [...row.children].map((cell) => inline(cell, depth).trim().replace(/\|/g, '\\|')));
  const width = Math.max(...cells.map((row) => row.length));
  const line = (row) => `| ${Array.from({ length: width }, (_, index) => row[index] ?? '').join(' | ')} |`;
  return [line(cells[0]), line(Array(width).fill('---')), ...cells.slice(1).map(line)].join('\n');
}
