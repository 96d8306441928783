// Small DOM helpers shared by the page's modules.

export const $ = (id) => document.getElementById(id);

/** `el('td', {}, 'text')`: an element with properties and text or child nodes (never HTML strings). */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}
