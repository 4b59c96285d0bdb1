"""What people hear fades a day at a time, applied to each person only when next read or
added to: the same numbers, to the last bit, as fading everyone's counts every day."""

import numpy as np

from agents.beliefs import memory_decay_per_day
from agents.migrants import HEARD_COLUMNS, MigrantPopulation

DECAY = memory_decay_per_day(10.0)  # not a power of two: every product is rounded


def test_fading_when_read_is_fading_everyone_every_day_bit_for_bit():
    rng = np.random.default_rng(7)
    population = MigrantPopulation(capacity=16, news_decay_per_day=DECAY)
    everyone_daily = np.zeros((len(HEARD_COLUMNS), 0))
    for day in range(120):
        if day % 10 == 0:  # newcomers, with nothing heard yet
            population.add(5)
            everyone_daily = np.hstack([everyone_daily, np.zeros((len(HEARD_COLUMNS), 5))])
        population.fade_news()
        everyone_daily *= DECAY
        for _ in range(3):  # news to a few people, some listed twice (two ties)
            rows = rng.integers(0, population.size, size=4)
            column = int(rng.integers(len(HEARD_COLUMNS)))
            population.hear(rows, HEARD_COLUMNS[column])
            np.add.at(everyone_daily[column], rows, 1.0)
        read = rng.integers(0, population.size, size=3)
        heard = population.news_of(read)
        for column in range(len(HEARD_COLUMNS)):
            np.testing.assert_array_equal(heard[column][read], everyone_daily[column][read])
    heard = population.news_of(np.arange(population.size))
    np.testing.assert_array_equal(np.array(heard), everyone_daily)
    assert everyone_daily.max() > 1.0 and (everyone_daily % 1.0 != 0).any()  # faded sums


def test_a_day_of_fading_touches_only_the_people_read():
    population = MigrantPopulation(capacity=16, news_decay_per_day=DECAY)
    population.add(4)
    population.hear(np.arange(4), "heard_crossed")
    population.fade_news()
    population.fade_news()
    current = population.news_of(np.array([1]))[0]
    assert current[1] == 1.0 * DECAY * DECAY
    assert population.heard_crossed[[0, 2, 3]].tolist() == [1.0, 1.0, 1.0]  # not yet faded
    assert population.news_faded_days.tolist() == [0, 2, 0, 0]


def test_a_migrant_shows_what_it_has_heard_faded_to_today():
    from model.model import ChannelModel

    model = ChannelModel(seed=3)
    for _ in range(40):
        model.step()
    population = model.population
    population.fade_news()  # a day passes for the counts; nobody has read them since
    row = int(np.argmax(population.heard_crossed))
    expected = float(population.heard_crossed[row])
    assert expected > 0.0
    decay = memory_decay_per_day(model.params["news_memory_days"])
    for _ in range(population.news_days - int(population.news_faded_days[row])):
        expected *= decay
    assert expected < population.heard_crossed[row]  # it was behind
    assert model.migrant(row).heard_crossed == expected
