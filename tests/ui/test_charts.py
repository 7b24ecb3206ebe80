"""The chart parts every panel shares (ui/charts.py): arrows, mosaics, animation controls."""

import numpy as np

from ui.charts import arrow_lines, cap_lengths, play_controls, tile_images


def test_arrows_are_one_trace_with_a_gap_between_arrows():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    vectors = np.array([[1.0, 0.0], [0.0, -2.0]])
    xs, ys = arrow_lines(points, vectors)
    assert xs.dtype == ys.dtype == np.float32
    np.testing.assert_array_equal(xs, [0, 1, np.nan, 1, 1, np.nan])
    np.testing.assert_array_equal(ys, [0, 0, np.nan, 1, -1, np.nan])


def test_an_arrow_head_is_two_strokes_ending_at_the_tip():
    xs, ys = arrow_lines(np.zeros((1, 2)), np.array([[1.0, 0.0]]), heads=True)
    assert len(xs) == 7                              # shaft, gap, left-tip-right, gap
    assert (xs[[1, 4]] == 1).all() and (ys[[1, 4]] == 0).all()
    assert xs[3] < 1 and xs[5] < 1 and ys[3] == -ys[5] != 0


def test_capping_shortens_only_the_long_vectors():
    vectors = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    capped = cap_lengths(vectors, 1.0)
    np.testing.assert_allclose(np.linalg.norm(capped, axis=1), [1.0, 0.5, 0.0])
    np.testing.assert_allclose(capped[0], [0.6, 0.8])


def test_a_mosaic_puts_images_in_rows_with_white_gaps_and_dark_ink():
    images = np.zeros((2, 3, 4, 4))
    images[1, 2] = 1.0                               # the last image all ink
    picture = tile_images(images)
    assert picture.shape == (2 * 5, 3 * 5)
    assert (picture[4, :] == 1).all() and (picture[:, 4] == 1).all()    # the gaps
    assert (picture[5:9, 10:14] == 0).all() and (picture[:4, :4] == 1).all()


def test_play_controls_step_through_every_frame_by_name():
    controls = play_controls(["10", "20", "30"], active=2, prefix="step ", duration=120)
    slider, = controls["sliders"]
    assert slider["active"] == 2 and slider["currentvalue"]["prefix"] == "step "
    assert [s["args"][0] for s in slider["steps"]] == [["10"], ["20"], ["30"]]
    play, pause = controls["updatemenus"][0]["buttons"]
    assert play["args"][1]["frame"]["duration"] == 120 and play["args"][1]["fromcurrent"]
    assert pause["args"][0] == [None]
