"""The explorer widget of chapters 10 and 11, until `explorers/base.py` lands on main.

Same interface as `explorers.base.Explorer` (model with compute / render / describe / status,
`.widget`, `.update()`, `.set_values()`); the merge replaces this module by that one.
"""

from __future__ import annotations

import html

from autodiff_course import i18n

STATUS_COLOURS = {"converges": "#1a7f37", "oscillates_converges": "#9a6700", "diverges": "#cf222e"}
GREY = "#57606a"


def set_tooltip(widget, text: str) -> None:
    """ipywidgets 8 calls it `tooltip`; ipywidgets 7 only knows `description_tooltip`."""
    if "tooltip" in widget.keys:
        widget.tooltip = text
    else:  # pragma: no cover - ipywidgets 7
        widget.description_tooltip = text


class Explorer:
    """Sliders and a numbers panel on the left, the figure and a status line on the right."""

    def __init__(self, model, controls: dict, lang: str):
        import ipywidgets as w

        self.model, self.controls, self.lang = model, controls, i18n.language(lang)
        self.result, self.updates, self._quiet = None, 0, False
        self.numbers = w.HTML(layout=w.Layout(width="330px"))
        self.status = w.HTML(layout=w.Layout(width="100%"))
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        left = w.VBox(list(controls.values()) + [self.numbers], layout=w.Layout(width="340px"))
        right = w.VBox([self.image, self.status], layout=w.Layout(flex="1 1 420px"))
        self.widget = w.HBox(
            [left, right], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")
        )
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        self.result = self.model.compute(**self.values())
        self.image.value = self.model.render(self.result)
        lines = self.model.describe(self.result, self.lang)
        self.numbers.value = "<br>".join(html.escape(line) for line in lines)
        kind, sentence = self.model.status(self.result, self.lang)
        colour = STATUS_COLOURS.get(kind, GREY)
        self.status.value = f"<div style='color:{colour}'>{html.escape(sentence)}</div>"
        self.updates += 1

    def set_values(self, **values) -> None:
        """Set several controls at once and update once."""
        self._quiet = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.update()

    def _on_change(self, _change) -> None:
        if self._quiet:
            return
        try:
            self.update()
        except Exception as err:  # a learner should see a sentence, not a traceback
            self.status.value = f"<b>{type(err).__name__}</b>: {html.escape(str(err))}"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
