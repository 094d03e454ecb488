// A key pressed while an input method composes text (Japanese, Chinese, Korean, Vietnamese…) is
// the input method's: Enter commits the text, Escape cancels it, the arrow keys and Tab choose
// among its candidates. Chromium says so with isComposing; WebKit (the window) sends the Enter
// that commits after the composition has ended, as the input method's key code, 229.
export function composing(event) {
  return event.isComposing || event.keyCode === 229;
}
