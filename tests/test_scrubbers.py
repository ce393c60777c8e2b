"""Kernel-free scrubbers: self-contained HTML, one frame per value, small enough for a web page."""

import base64
import math
import re

import pytest

from reglab import norms, plotting, rendering, scrubbers, widgets

PS = [0.5, 1, 2, math.inf]


@pytest.fixture(scope="module")
def scrubber():
    return scrubbers.unit_ball_scrubber(ps=PS, start_p=2)


def test_one_distinct_frame_per_value(scrubber):
    assert len(scrubber.frames) == len(PS)
    assert scrubber.labels == ["0.5", "1", "2", "∞"]
    assert len(set(scrubber.frames)) == len(PS)
    assert all(frame.startswith(b"\x89PNG") for frame in scrubber.frames)


def test_html_is_self_contained_and_starts_at_the_chosen_frame(scrubber):
    page = scrubber.to_html()
    assert "http" not in page and "src=\"/" not in page, "a scrubber must not request anything"
    assert page.count("data:image/png;base64,") == len(PS) + 1  # the frames, and the one shown first
    shown = re.search(r'<img id="[^"]+" src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(shown) == scrubber.frames[PS.index(2)]
    assert 'type="range"' in page and f'max="{len(PS) - 1}"' in page and 'value="2"' in page
    assert scrubber.to_html() == page, "ids and content must be deterministic"


def test_frames_come_from_the_live_apps_update_and_draw(scrubber):
    live = rendering.figure_to_png(widgets.unit_ball_draw(widgets.unit_ball_update(0.5)), dpi=70)
    assert scrubber.frames[0] == rendering.compress_png(live)


def test_compression_keeps_frames_small(scrubber):
    assert scrubber.nbytes < 2_000_000
    assert max(len(f) for f in scrubber.frames) < 40_000
    assert "4 frames" in repr(scrubber)


@pytest.mark.parametrize("kwargs, message", [
    ({"frames": [b"x"], "labels": ["a", "b"], "name": "p"}, "equal length"),
    ({"frames": [], "labels": [], "name": "p"}, "non-empty"),
    ({"frames": [b"x"], "labels": ["a"], "name": "p", "start": 3}, "start must index a frame"),
])
def test_inconsistent_scrubbers_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scrubbers.Scrubber(**kwargs)


def test_start_value_must_be_one_of_the_values():
    with pytest.raises(ValueError, match="start_p must be one of ps"):
        scrubbers.unit_ball_scrubber(ps=[1, 2], start_p=3)


def test_scrubber_html_keeps_the_slider_still_and_announces_values():
    """The readout has a fixed width (the longest label), the slider its own line, and the value is announced."""
    fig = plotting.plot_message("demo")
    frames = [rendering.figure_to_png(fig, dpi=20)] * 3
    page = scrubbers.Scrubber(frames, ["0", "0.001", "30"], name="λ", title="Demo").to_html()
    assert "min-width:6ch" in page  # len("0.001") + 1
    assert 'aria-valuetext="λ = 0"' in page and 'setAttribute("aria-valuetext"' in page
    assert 'alt="Demo, drawn for λ = 0."' in page


def test_compress_png_keeps_the_resolution_and_a_description():
    """The palette PNG keeps the figure's DPI (pHYs) and stores the description the website uses as alt text."""
    import io

    from PIL import Image

    fig = plotting.plot_unit_balls(norms.unit_balls())
    png = rendering.compress_png(rendering.figure_to_png(fig, dpi=90), colors=64,
                                 description=rendering.describe_figure(fig))
    image = Image.open(io.BytesIO(png))
    assert round(image.info["dpi"][0]) == 90
    assert image.text["Description"].startswith("Figure: Unit balls") and image.text["Description"].endswith(".")


def test_live_scrubber_keeps_one_frame_and_embeds_its_trainer_spec():
    """A live explorer: the start value's frame (the figure without JavaScript) and the spec the browser trains from."""
    import json

    live = scrubbers.capacity_scrubber(num_train=20, start=3)
    assert len(live.frames) == 1 and len(live.labels) == 16 and live.start == 3
    page = live.to_html()
    assert page.count("data:image/png;base64,") == 1 and "reglab-live" in page and "<noscript>" in page
    spec = json.loads(re.search(r'<script type="application/json" class="reglab-live-spec">(.*?)</script>', page,
                                re.S).group(1))
    assert spec["kind"] == "capacity" and spec["values"] == list(range(16)) and spec["labels"][3] == "3"
    assert spec["slider"] == "degree" and spec["fixed"] == 20 and list(spec["sets"]) == ["20"]
    fallback = scrubbers.capacity_scrubber(num_train=20, start=3, live=False)
    assert live.frames[0] == fallback.frames[3], "the live explorer's figure must be the precomputed one at its start"


def test_live_spec_cannot_close_its_script_tag():
    frame = rendering.figure_to_png(plotting.plot_message("demo"), dpi=20)
    page = scrubbers.Scrubber([frame], ["a", "b"], "x", start=1, live={"kind": "capacity", "note": "</script>"}).to_html()
    assert page.count("</script>") == 1 and "<\\/script>" in page


def test_live_scrubber_keeps_exactly_one_frame():
    with pytest.raises(ValueError, match="a live scrubber keeps one frame"):
        scrubbers.Scrubber([b"x", b"y"], ["a", "b"], "x", live={"kind": "capacity"})


def test_regression_explorer_offers_both_penalties_the_chosen_one_first():
    page = scrubbers.weight_decay_scrubber(task="regression", penalty="L1").to_html()
    assert re.findall(r'value="(L[12])"', page) == ["L1", "L2"] and 'value="L1" checked' in page
    with pytest.raises(ValueError, match="penalty must be one of"):
        scrubbers.weight_decay_scrubber(penalty="L3")
