"""The reading screen's heavy workers take turns: one at a time, the most wanted next, then first come first."""

from __future__ import annotations

import threading
import time

from reader.tui.reading.turns import LATER, SOON, Turns


def test_one_at_a_time_and_the_most_wanted_goes_next_then_first_come_first():
    turns = Turns()
    order: list[str] = []
    inside = 0
    most_inside = 0
    lock = threading.Lock()

    def work(name: str, urgency: int) -> None:
        nonlocal inside, most_inside
        with turns.turn(urgency):
            with lock:
                inside += 1
                most_inside = max(most_inside, inside)
                order.append(name)
            time.sleep(0.01)
            with lock:
                inside -= 1

    holder_in = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with turns.turn(LATER):
            order.append("first")
            holder_in.set()
            release.wait(5)

    threads = [threading.Thread(target=holder)]
    threads[0].start()
    assert holder_in.wait(5)
    # While the first holds its turn, three more queue: two later ones, then one wanted soon.
    for name, urgency in (("later-1", LATER), ("later-2", LATER), ("soon", SOON)):
        thread = threading.Thread(target=work, args=(name, urgency))
        thread.start()
        threads.append(thread)
        time.sleep(0.05)  # each is waiting before the next comes
    release.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first", "soon", "later-1", "later-2"]
    assert most_inside == 1


def test_a_turn_is_handed_on_when_the_work_fails():
    turns = Turns()
    try:
        with turns.turn(SOON):
            raise ValueError("the work failed")
    except ValueError:
        pass
    done = threading.Event()

    def next_worker() -> None:
        with turns.turn(LATER):
            done.set()

    threading.Thread(target=next_worker).start()
    assert done.wait(2)
