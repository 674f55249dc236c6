"""Practice: predict, then reveal. Seeded questions on shapes, parameters, kernels and values."""

import contextlib

import streamlit as st

from cnnviz.ui import classroom, quiz, router, show

router.ensure_routed()
st.title("Practice: predict, then reveal")
show.intro(
    "Work it out first, then check: the output shape for given $n$, $f$, $p$, $s$ and $d$, the "
    "parameter count $(f \\cdot f \\cdot n_c^{[l-1]} + 1) \\cdot n_c^{[l]}$ of a layer, which "
    "kernel made a feature map, or the value of one output cell. Every answer shows the worked "
    "arithmetic. The question's kind, number and difficulty are in this page's link: share it "
    "and everyone gets the same question."
)

# A student following a class: the question first, its settings folded away (the teacher's).
with (st.expander("Question settings (the teacher's)") if classroom.following()
      else contextlib.nullcontext()):
    question = quiz.picker()
quiz.show_question(question)
classroom.offer_practice(question)  # a teacher in class mode may ask the room
quiz.show_verdict(quiz.answer_form(question))
