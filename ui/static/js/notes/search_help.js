// The "?" beside the search field: a popover on the search operators. Escape, a second click, a
// click elsewhere or the focus moved elsewhere closes it.
import { composing } from './composition.js';

const $ = (id) => document.getElementById(id);

export function setUpSearchHelp() {
  const toggle = $('searchHelpToggle');
  const help = $('searchHelp');
  const tooltip = toggle.title;
  const show = (open) => {
    help.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.title = open ? '' : tooltip;  // the tooltip would sit over the open help, repeating it
  };
  toggle.addEventListener('click', () => show(help.hidden));
  document.addEventListener('click', (event) => {
    if (!help.hidden && !help.contains(event.target) && event.target !== toggle) show(false);
  });
  // And so does the focus going elsewhere in the window (Tab): it stayed open over the list.
  for (const element of [toggle, help]) {
    element.addEventListener('focusout', ({ relatedTarget }) => {
      if (relatedTarget && !help.contains(relatedTarget) && relatedTarget !== toggle) show(false);
    });
  }
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || help.hidden || composing(event)) return;
    event.stopImmediatePropagation();  // not the app's Escape as well
    show(false);
    toggle.focus();
  }, { capture: true });
}
