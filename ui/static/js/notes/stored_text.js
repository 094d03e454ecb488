// A note's text as the server stores it, to tell whether a saved note holds what was typed. The
// server trims titles and normalises tags (tagging.normalise_tag) with Python's idea of space.
const SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const RUNS_OF_SPACE = new RegExp(`${SPACE}+`, 'g');
const EDGE_SPACE = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

export const trimmed = (text) => text.replace(EDGE_SPACE, '');

// `  #Work  Ideas ` and `# #work ideas` are `work ideas`.
const normaliseTag = (name) => trimmed(name.replace(RUNS_OF_SPACE, ' ')).replace(/^[# ]+/, '').toLowerCase();

export const storedTags = (tags) => [...new Set(tags.map(normaliseTag).filter(Boolean))].sort();

// The same tags once the server has normalised them, spelt or ordered differently or not.
export const sameTags = (a, b) => JSON.stringify(storedTags(a)) === JSON.stringify(storedTags(b));
