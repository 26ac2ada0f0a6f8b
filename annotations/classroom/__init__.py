"""A class's loop: packs handed out, students' copies collected, agreement between readers."""
