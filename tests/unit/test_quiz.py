"""The Practice page's questions: seeded, answered right by the core, read flexibly."""

from __future__ import annotations

import numpy as np
import pytest

import cnnviz
from cnnviz.core.kernels import KERNELS
from cnnviz.core.layers import conv_params
from cnnviz.lessons import quiz

LEVELS = range(1, quiz.MAX_LEVEL + 1)


@pytest.mark.parametrize("kind", list(quiz.KINDS))
@pytest.mark.parametrize("level", LEVELS)
def test_the_same_seed_gives_the_same_question_and_others_differ(kind, level):
    a, b = quiz.make_question(kind, 42, level), quiz.make_question(kind, 42, level)
    assert a == b and a.prompt == b.prompt and a.worked == b.worked
    made = [quiz.make_question(kind, seed, level) for seed in range(12)]
    # the seed really changes the question
    assert len({(q.prompt, q.answer_text, q.choices) for q in made}) >= 4


@pytest.mark.parametrize("level", LEVELS)
def test_shape_answers_are_conv2d_output_shapes(level):
    for seed in range(25):
        q = quiz.make_question("shape", seed, level)
        text = q.prompt.replace("*", "")
        n_h, n_w = (int(v) for v in text.split("of ")[1].split(" goes")[0].split(" × "))
        f = int(text.split("f = ")[1].split(",")[0])
        p = int(text.split("p = ")[1].split(",")[0])
        s = int(text.split("s = ")[1].split(",")[0].split(" ")[0].rstrip("."))
        d = int(text.split("d = ")[1].split(".")[0]) if "d = " in text else 1
        out = cnnviz.conv2d(np.zeros((n_h, n_w)), np.ones((f, f)), stride=s, padding=p,
                            dilation=d)
        assert q.answer == out.shape, (seed, level, q.prompt)
        assert quiz.check(q, f"{out.shape[0]}x{out.shape[1]}").status == "right"


def test_floor_cases_appear_with_the_lectures_words():
    floors = [q for q in (quiz.make_question("shape", seed, 2) for seed in range(40))
              if any("round down to the lower integer" in line for line in q.worked)]
    assert len(floors) >= 5
    line = next(line for line in floors[0].worked if "round down" in line)
    assert ": a fraction, so round down" in line
    raw = line.split(" = ")[1].split(":")[0]
    assert not float(raw).is_integer() and int(float(raw)) == floors[0].answer[0]


@pytest.mark.parametrize("level", LEVELS)
def test_parameter_answers_match_the_layers_code(level):
    for seed in range(20):
        q = quiz.make_question("parameters", seed, level)
        text = q.prompt.replace("*", "")
        n_c = int(text.split("has ")[1].split(" filters")[0])
        f = int(text.split("size ")[1].split(" ×")[0])
        n_prev = int(text.split("volume of ")[1].split(". How")[0].split(" × ")[2])
        bias = "weights and biases" in text
        assert q.answer == conv_params(f, n_prev, n_c, bias=bias)
        assert q.answer_text in q.worked[0]


def test_parameter_questions_leave_the_bias_out_sometimes_from_level_2():
    biases = {"weights and biases" in quiz.make_question("parameters", s, 3).prompt
              for s in range(30)}
    assert biases == {True, False}
    assert all("weights and biases" in quiz.make_question("parameters", s, 1).prompt
               for s in range(30))


@pytest.mark.parametrize("level", LEVELS)
def test_kernel_questions_show_the_map_of_one_of_four_presets(level):
    for seed in range(8):
        q = quiz.make_question("kernel", seed, level)
        assert len(q.choices) == 4 == len(set(q.choices)) and q.answer in q.choices
        expected = cnnviz.conv2d(q.image, KERNELS[q.answer].values, padding="same")
        np.testing.assert_array_equal(q.output, expected)
        assert quiz.check(q, q.answer).status == "right"
        wrong = next(c for c in q.choices if c != q.answer)
        assert quiz.check(q, wrong).status == "wrong"


def test_kernel_questions_bring_in_the_sign_twin_from_level_3():
    twins = [q for q in (quiz.make_question("kernel", s, 3) for s in range(60))
             if q.answer == "sobel_y"]
    assert twins and all("horizontal_edge" in q.choices for q in twins)


@pytest.mark.parametrize("level", LEVELS)
def test_value_answers_are_the_feature_map_cell_and_show_products(level):
    for seed in range(20):
        q = quiz.make_question("value", seed, level)
        cfg = q.settings
        z = cnnviz.conv2d(q.image, q.kernel, cfg.bias, **cfg.conv_kwargs)
        assert q.answer == z[q.cell]
        assert quiz.check(q, str(z[q.cell])).status == "right"
        assert quiz.check(q, str(z[q.cell] + 1)).status == "wrong"
        assert any(" = **" in line and "+" in line for line in q.worked)


def test_mixed_draws_every_kind_from_the_seed():
    kinds = {quiz.make_question("mixed", seed, 1).kind for seed in range(40)}
    assert kinds == set(quiz.KINDS)
    assert quiz.make_question("mixed", 9, 2) == quiz.make_question("mixed", 9, 2)


@pytest.mark.parametrize("text", ["4x4", "4 × 4", "(4, 4)", "4,4", "4 X 4", "[4 4]", "4 by 4",
                                  " 4*4 "])
def test_shapes_are_read_flexibly(text):
    q = quiz.Question("shape", 0, 1, "", (4, 4), "4 × 4", ("w",), hint="h")
    assert quiz.check(q, text).status == "right"


@pytest.mark.parametrize("text", ["", "   ", "four", "4.5x4", "4 x four", "1/0", "nan"])
def test_garbage_gets_a_message_not_a_mark(text):
    for q in (quiz.Question("shape", 0, 1, "", (4, 4), "4 × 4", ("w",), hint="e.g. 4 × 4"),
              quiz.Question("parameters", 0, 1, "", 280, "280", ("w",), hint="e.g. 280"),
              quiz.Question("value", 0, 1, "", 14.0, "14", ("w",), hint="e.g. 14")):
        verdict = quiz.check(q, text)
        assert verdict.status == "unreadable" and not verdict.scored, (q.kind, text)
        assert verdict.message and verdict.worked == ()


@pytest.mark.parametrize("answer", [(16, 16), (16, 8)])
def test_a_bare_number_for_a_shape_asks_for_both_sides_without_a_mark(answer):
    q = quiz.Question("shape", 0, 1, "", answer, f"{answer[0]} × {answer[1]}", ("w",))
    verdict = quiz.check(q, "16")
    assert verdict.status == "unreadable" and not verdict.scored
    assert "both sides" in verdict.message and "16 × 16" in verdict.message


def test_a_shape_with_three_numbers_and_a_fractional_count_are_refused_with_why():
    shape = quiz.Question("shape", 0, 1, "", (4, 4), "4 × 4", ("w",))
    assert "rows × columns" in quiz.check(shape, "4x4x3").message
    count = quiz.Question("parameters", 0, 1, "", 280, "280", ("w",))
    assert "whole number" in quiz.check(count, "280.5").message
    assert quiz.check(count, "280.0").status == "right"
    assert quiz.check(count, "3,073,000").status == "wrong"


def test_numbers_are_read_with_true_minus_and_fractions():
    assert quiz.parse_number("−3") == -3.0
    assert quiz.parse_number("+2.5") == 2.5
    assert quiz.parse_number("1e3") == 1000.0
    assert quiz.parse_number("3/4") == 0.75
    with pytest.raises(ValueError, match="not a number"):
        quiz.parse_number("1e999")


@pytest.mark.parametrize(("text", "digit"), [("4²", "²"), ("²x²", "²"), ("４x４", "４"),
                                             ("٤ × ٤", "٤"), ("1⁄2", None)])
def test_a_shape_with_digits_other_than_0_to_9_is_refused_saying_so(text, digit):
    """"4²" passed str.isdigit and then int() raised Python's own "invalid literal" text."""
    q = quiz.Question("shape", 0, 1, "", (4, 4), "4 × 4", ("w",))
    verdict = quiz.check(q, text)
    assert verdict.status == "unreadable" and not verdict.scored
    assert "invalid literal" not in verdict.message.lower()
    if digit:
        assert f"“{digit}” is not one of the digits 0 to 9" in verdict.message


@pytest.mark.parametrize("text", ["²", "４", "٤٢", "1e²"])
def test_numbers_with_digits_other_than_0_to_9_are_refused_saying_so(text):
    for kind, answer in (("parameters", 280), ("value", 14.0)):
        q = quiz.Question(kind, 0, 1, "", answer, str(answer), ("w",))
        verdict = quiz.check(q, text)
        assert verdict.status == "unreadable", (kind, text)
        assert "is not one of the digits 0 to 9" in verdict.message, (kind, text)


def test_a_parameter_count_is_read_exactly_as_typed():
    """Through float, 999999999999999999999999999999 was echoed as 1,000,000,000,000,000,019,…"""
    big = 10**30 - 1
    q = quiz.Question("parameters", 0, 1, "", 280, "280", ("w",))
    verdict = quiz.check(q, "999999999999999999999999999999")
    assert verdict.status == "wrong"
    assert "you said 999,999,999,999,999,999,999,999,999,999;" in verdict.message
    assert quiz.parse_count("999,999,999,999,999,999,999,999,999,999") == big
    assert quiz.parse_count("1e30") == 10**30 and quiz.parse_count("−2.80e2") == -280
    exact = quiz.Question("parameters", 0, 1, "", big, f"{big:,}", ("w",))
    assert quiz.check(exact, str(big)).status == "right"
    assert quiz.check(exact, str(big + 1)).status == "wrong"  # float called these equal
    # Too long to be a count: refused in words, not Python's int_max_str_digits text.
    for text in ("9" * 5000, "1e999999999", "1e-999999999"):
        verdict = quiz.check(q, text)
        assert verdict.status == "unreadable", text
        assert "sys." not in verdict.message and "digits" in verdict.message, text


def test_wrong_answers_carry_the_same_worked_arithmetic_as_right_ones():
    q = quiz.make_question("shape", 3, 2)
    right, wrong = quiz.check(q, q.answer_text), quiz.check(q, "1 x 1")
    assert right.status == "right" and wrong.status == "wrong"
    assert right.worked == wrong.worked == q.worked
    assert "1 × 1" in wrong.message and q.answer_text in wrong.message


def test_difficulty_grows_with_the_score_and_stops_at_the_top():
    levels = [quiz.level_for(n) for n in range(15)]
    assert levels == sorted(levels) and levels[0] == 1 and levels[-1] == quiz.MAX_LEVEL


@pytest.mark.parametrize(("kind", "seed", "level", "match"), [
    ("riddle", 1, 1, "kind must be one of"), ("shape", -1, 1, "seed must be in"),
    ("shape", 1, 0, "level must be in"), ("value", 1, 9, "level must be in")])
def test_bad_arguments_name_the_parameter(kind, seed, level, match):
    with pytest.raises(ValueError, match=match):
        quiz.make_question(kind, seed, level)


@pytest.mark.parametrize("kind", [*quiz.KINDS, quiz.MIXED])
def test_any_seed_at_any_level_makes_a_question_its_own_answer_text_answers(kind):
    rng = np.random.default_rng(11)
    for level in LEVELS:
        for seed in rng.integers(0, quiz.MAX_SEED + 1, 10 if kind == "kernel" else 60):
            q = quiz.make_question(kind, int(seed), level)
            typed = q.answer if q.kind == "kernel" else q.answer_text
            assert quiz.check(q, typed).status == "right", (kind, seed, level)
