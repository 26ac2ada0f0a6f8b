from annotations.model import Section
from annotations.sections import Outline

SECTIONS = [
    Section(0, 100, 1, "Chapter 1"),
    Section(10, 50, 2, "The Letter"),
    Section(50, 100, 2, "The Reply"),
    Section(100, 200, 1, "Chapter 2"),
    Section(120, 120, 2, ""),
]


def test_offset_names_its_chapter_and_heading():
    outline = Outline(SECTIONS)
    assert outline.label(5) == "Chapter 1"
    assert outline.label(10) == "Chapter 1 › The Letter"
    assert outline.label(49) == "Chapter 1 › The Letter"
    assert outline.label(50) == "Chapter 1 › The Reply"
    assert outline.label(150) == "Chapter 2"


def test_outside_every_section_is_empty():
    assert Outline(SECTIONS).label(250) == ""
    assert Outline([]).label(0) == ""


def test_enclosing_is_outermost_first_and_order_of_input_does_not_matter():
    forward = Outline(SECTIONS).enclosing(20)
    backward = Outline(list(reversed(SECTIONS))).enclosing(20)
    assert [s.title for s in forward] == [s.title for s in backward] == ["Chapter 1", "The Letter"]


def test_pages_of_a_pdf():
    pages = [Section(i * 1000, (i + 1) * 1000, 1, f"p. {i + 1}") for i in range(300)]
    outline = Outline(pages)
    assert outline.label(0) == "p. 1" and outline.label(123_456) == "p. 124" and outline.label(299_999) == "p. 300"
