from bot.cooldown import Cooldown


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_first_request_is_allowed_and_second_waits():
    clock = FakeClock()
    cooldown = Cooldown(3, clock=clock)
    assert cooldown.try_acquire(1) == 0.0
    clock.now += 1
    assert cooldown.try_acquire(1) == 2.0
    assert cooldown.remaining(1) == 2.0


def test_waiting_out_the_cooldown_allows_again():
    clock = FakeClock()
    cooldown = Cooldown(3, clock=clock)
    cooldown.try_acquire(1)
    clock.now += 3
    assert cooldown.try_acquire(1) == 0.0


def test_members_are_independent():
    clock = FakeClock()
    cooldown = Cooldown(3, clock=clock)
    assert cooldown.try_acquire(1) == 0.0
    assert cooldown.try_acquire(2) == 0.0
    assert cooldown.try_acquire(1) > 0


def test_refused_requests_do_not_extend_the_wait():
    clock = FakeClock()
    cooldown = Cooldown(3, clock=clock)
    cooldown.try_acquire(1)
    for _ in range(5):
        clock.now += 0.5
        cooldown.try_acquire(1)
    clock.now += 0.5  # 3 s after the one allowed request
    assert cooldown.try_acquire(1) == 0.0


def test_zero_seconds_disables_the_cooldown():
    cooldown = Cooldown(0, clock=FakeClock())
    assert all(cooldown.try_acquire(1) == 0.0 for _ in range(10))


def test_memory_stays_bounded():
    clock = FakeClock()
    cooldown = Cooldown(1, clock=clock, max_tracked=10)
    for who in range(10):
        cooldown.try_acquire(who)
    clock.now += 2
    cooldown.try_acquire("late")
    assert len(cooldown._last) == 1
