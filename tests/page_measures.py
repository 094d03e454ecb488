"""Scripts that measure what a page shows (contrast, focus rings, motion), for the site's tests
and the shell's alike: each is evaluated in the page by Playwright."""

# The contrast of a colour (rgb() or rgba(), seen through `opacity`) with an opaque background.
CONTRAST_OF = """(color, background, opacity) => {
  const rgba = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const [shownOver, rgb] = [rgba(background), rgba(color)];
  const alpha = (rgb[3] ?? 1) * opacity;
  const shown = rgb.slice(0, 3).map((c, i) => c * alpha + shownOver[i] * (1 - alpha));
  const [light, dark] = [luminance(shown), luminance(shownOver)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""
# An element's text against the first background behind it that is not transparent, its colour
# taken as it shows through the element's and its ancestors' opacity.
CONTRAST = """(element) => {
  const contrastOf = %s;
  let background = 'rgb(255, 255, 255)', opacity = 1, found = false;
  for (let node = element; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    opacity *= Number(style.opacity);
    const alpha = style.backgroundColor.match(/[\\d.]+/g)[3];
    if (!found && (alpha === undefined || Number(alpha) === 1)) [background, found] = [style.backgroundColor, true];
  }
  return contrastOf(getComputedStyle(element).color, background, opacity);
}""" % CONTRAST_OF
# A field's placeholder against the field.
PLACEHOLDER_CONTRAST = """(element) => {
  const placeholder = getComputedStyle(element, '::placeholder');
  return (%s)(placeholder.color, getComputedStyle(element).backgroundColor, Number(placeholder.opacity));
}""" % CONTRAST_OF
# The focused element's ring: its style, width, and contrast with the first background behind it.
FOCUS_RING = """(element) => {
  const style = getComputedStyle(element);
  let background = 'rgb(255, 255, 255)';
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor, alpha = colour.match(/[\\d.]+/g)[3];
    if (alpha === undefined || Number(alpha) === 1) { background = colour; break; }
  }
  return [style.outlineStyle, parseFloat(style.outlineWidth), (%s)(style.outlineColor, background, 1)];
}""" % CONTRAST_OF
# Every element's (and its ::before and ::after's) animations and transitions that take time.
MOVING = """() => [...document.querySelectorAll('*')].flatMap((element) => [null, '::before', '::after'].map((pseudo) => {
  const style = getComputedStyle(element, pseudo);
  const longest = (durations) => Math.max(...durations.split(',').map(parseFloat));
  const moving = (style.animationName !== 'none' && longest(style.animationDuration) > 0)
    || (style.transitionProperty !== 'none' && longest(style.transitionDuration) > 0);
  return moving ? `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}${pseudo ?? ''}` : null;
})).filter(Boolean)"""
