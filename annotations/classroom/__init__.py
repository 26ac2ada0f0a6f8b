"""A class's loop: packs handed out, students' copies collected, agreement between readers."""

#: The author name of the consensus layer; no annotator may use it as theirs.
CONSENSUS = "consensus"
