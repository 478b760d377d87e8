"""The Playground's Jupyter widget: the same nnlib.playground run as the page, driven by its controls."""
import numpy as np
import pytest

from nnlib.playground import Config, Playground
from nnlib.widgets.playground import config_from_link, draw, playground


def test_a_link_from_the_page_gives_its_settings_points_and_epoch():
    link = ("http://127.0.0.1:8000/book/playground.html#fig=playground&data=own&noise=0.05&test=0.5"
            "&layers=3,2&act=relu,sigmoid&eta=0.1&batch=5&cost=quadratic&seed=7&epoch=12&pts=00000zzzz1")
    config, epoch = config_from_link(link)
    assert epoch == 12 and config.hidden == (3, 2) and config.activations == ("relu", "sigmoid")
    assert config.eta == 0.1 and config.batch_size == 5 and config.cost == "quadratic" and config.seed == 7
    assert config.points == ((-1.25, -1.25, 0.0), (1.25, 1.25, 1.0))  # "0000" is a corner, "zzzz" the other


def test_a_link_with_no_hidden_layer():
    config, epoch = config_from_link("#fig=playground&data=xor&layers=&act=&epoch=0")
    assert config.hidden == () and config.activations == () and config.dataset == "xor" and epoch == 0


def test_not_a_playground_link():
    with pytest.raises(ValueError, match="link must be a Playground link"):
        config_from_link("#fig=cost_landscape&eta=0.1")


def test_widget_steps_resets_and_adds_points_with_nnlib():
    box = playground(Config(hidden=(4,), activations=("tanh",), seed=1))
    play_row, status, image = box.children[:3]
    step = play_row.children[1]
    step.click()
    step.click()
    expected = Playground(Config(hidden=(4,), activations=("tanh",), seed=1)).step(2)
    np.testing.assert_array_equal(box.run.net.params, expected.net.params)
    assert "epoch 2: training cost" in status.value and image.value[:4] == b"\x89PNG"
    x1, x2, label, add = box.children[4].children
    x1.value, x2.value = 0.3, -0.2
    add.click()
    assert box.run.config.dataset == "own" and len(box.run.config.points) == 201 and box.run.epoch == 0
    assert box.run.config.points[-1] == (0.3, -0.2, 1.0)


def test_draw_without_enough_points_says_why():
    run = Playground(Config(dataset="own", points=((0, 0, 1),)))
    fig = draw(run)
    assert "place at least 4 points" in fig._suptitle.get_text()
