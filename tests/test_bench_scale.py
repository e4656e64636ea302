"""Scenario 7's virtual sender keeps Telegram's limits: never more than 30 messages in any
second overall, never two to one chat less than a second apart, and none before it was
handed over."""

import itertools

import pytest

from bench.scale import VirtualSender


def test_messages_to_many_chats_go_at_30_a_second_and_no_faster() -> None:
    sender = VirtualSender(rate=30, per_chat=1)
    times = [sender.at(chat, 10.0) for chat in range(90)]
    assert times == sorted(times)
    assert times[0] == 10.0
    assert abs(times[-1] - (10.0 + 89 / 30)) < 1e-9  # no gaps either
    for first, later in zip(times, times[30:], strict=False):
        assert later - first >= 1.0 - 1e-9  # any 31 messages span a second or more


def test_messages_to_one_chat_are_a_second_apart_and_others_fill_the_gaps() -> None:
    sender = VirtualSender(rate=30, per_chat=1)
    same = [sender.at(7, 0.0) for _ in range(3)]
    others = [sender.at(chat, 0.0) for chat in range(100, 110)]
    assert [b - a for a, b in itertools.pairwise(same)] == [1.0, 1.0]
    # The chat's wait holds up nobody: the others take the slots in between.
    assert max(others) < 1.0
    assert len(set(same + others)) == len(same + others)  # one message per slot


def test_nothing_leaves_before_it_is_handed_over() -> None:
    sender = VirtualSender(rate=30, per_chat=1)
    first = sender.at(1, 5.01)
    assert first == pytest.approx(151 / 30)  # the next slot of the grid
    assert sender.at(2, 3.0) == 3.0  # an earlier free slot is still free
    again = sender.at(1, 0.0)
    assert again == pytest.approx(first + 1.0)
    assert sender.last == again
