"""Configuration: loading huey_config.py three ways, validation messages, frozen results, budget."""

from __future__ import annotations

import pathlib
import textwrap
from typing import Any

import pytest
from huey import MemoryHuey

from huey_guard import events, install
from huey_guard.budget import PerformanceBudget, is_shedding
from huey_guard.config import ConfigError, GuardConfig, coerce_config, load_config

SPEC_EXAMPLE = textwrap.dedent(
    """
    EXCEPTIONS_CONFIG = {'retry_strategies': {'NETWORK': {'max_retries': 10, 'initial_delay': 2}}}
    PROTECTION_CONFIG = {'null_pointer_protection': {'enabled': True}}
    GLOBAL_CONFIG = {'enabled': True, 'performance_threshold': 5}
    """
)


def write_module(tmp_path: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return path


def test_spec_example_loads_by_module_name(tmp_path, monkeypatch) -> None:
    write_module(tmp_path, "hg_cfg_by_name", SPEC_EXAMPLE)
    monkeypatch.syspath_prepend(str(tmp_path))
    config = load_config("hg_cfg_by_name")
    assert config.retry_strategies["NETWORK"]["max_retries"] == 10
    assert config.null_pointer_protection["enabled"] is True
    assert config.enabled and config.performance_threshold == 5.0
    assert config.mode == "enforce" and config.time_scale == 1.0
    assert config.source.endswith("hg_cfg_by_name.py")


def test_loads_by_path_and_from_a_dict(tmp_path) -> None:
    path = write_module(tmp_path, "by_path", SPEC_EXAMPLE)
    assert load_config(str(path)).performance_threshold == 5.0
    assert load_config(path).retry_strategies["NETWORK"]["initial_delay"] == 2
    config = load_config({"GLOBAL_CONFIG": {"mode": "observe", "time_scale": 0.1}})
    assert config.observe and config.time_scale == 0.1
    assert load_config(None) == GuardConfig() and coerce_config(config) is config


def test_the_spec_numbers_reach_the_retry_policy() -> None:
    app = MemoryHuey("cfg-policy")
    runtime = install(
        app,
        load_config(
            {
                "EXCEPTIONS_CONFIG": {
                    "retry_strategies": {
                        "NETWORK": {"max_retries": 10, "initial_delay": 2, "jitter": 0}
                    }
                }
            }
        ),
    )
    policy = runtime.hook("retry-policy")
    strategy = policy.strategy("NETWORK", "RETRY_EXPONENTIAL")  # type: ignore[union-attr]
    assert strategy.max_retries == 10
    assert [strategy.delay(_state(n)) for n in (1, 2, 3)] == [2, 4, 8]


def _state(attempt: int) -> Any:
    from huey_guard.strategies import RetryState

    return RetryState(attempt)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"EXCEPTIONS_CONFIG": {"retry_strategies": {"NETWORK": {"max_retrys": 3}}}},
            "EXCEPTIONS_CONFIG.retry_strategies.NETWORK.max_retrys: unknown key; did you mean "
            "'max_retries'?",
        ),
        (
            {"EXCEPTIONS_CONFIG": {"retry_strategies": {"NETWROK": {}}}},
            "EXCEPTIONS_CONFIG.retry_strategies.NETWROK: unknown key; did you mean 'NETWORK'?",
        ),
        (
            {"GLOBAL_CONFIG": {"performance_threshold": "5ms"}},
            "GLOBAL_CONFIG.performance_threshold: expected a number, got str ('5ms')",
        ),
        ({"GLOBAL_CONFIG": {"enabled": 1}}, "GLOBAL_CONFIG.enabled: expected a bool, got int (1)"),
        (
            {"GLOBAL_CONFIG": {"mode": "observer"}},
            "GLOBAL_CONFIG.mode: 'observer' is not one of enforce, observe; "
            "did you mean 'observe'?",
        ),
        ({"GLOBAL_CONFIG_": {}}, "GLOBAL_CONFIG_: unknown key; did you mean 'GLOBAL_CONFIG'?"),
        (
            {"PROTECTION_CONFIG": {"observability": {"alerts": {"email": {"recipient": ["a@b"]}}}}},
            "PROTECTION_CONFIG.observability.alerts.email.recipient: unknown key; did you mean "
            "'recipients'?",
        ),
        (
            {"PROTECTION_CONFIG": {"observability": {"metrics": {"port": 70000}}}},
            "PROTECTION_CONFIG.observability.metrics.port: must be <= 65535, got 70000",
        ),
        (
            {"EXCEPTIONS_CONFIG": {"signatures": [{"pattern": "(", "category": "NETWORK"}]}},
            "EXCEPTIONS_CONFIG.signatures[0]: invalid pattern '('",
        ),
        (
            {"EXCEPTIONS_CONFIG": {"retry_strategies": {"RESOURCE": {"memory_threshold": 120}}}},
            "EXCEPTIONS_CONFIG.retry_strategies.RESOURCE.memory_threshold: must be <= 100",
        ),
    ],
)
def test_every_problem_names_its_full_key_path(config, expected) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value.problems


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"GLOBAL_CONFIG": {"enabld": True, "time_scale": -1, "startup_scan": "loud"}})
    assert len(caught.value.problems) == 3
    assert "invalid huey-guard config dict" in str(caught.value)


def test_file_problems_are_config_errors(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(str(tmp_path / "missing.py"))
    broken = write_module(tmp_path, "broken", "GLOBAL_CONFIG = {\n")
    with pytest.raises(ConfigError, match="SyntaxError"):
        load_config(str(broken))
    empty = write_module(tmp_path, "empty", "X = 1\n")
    with pytest.raises(ConfigError, match="defines none of"):
        load_config(str(empty))
    with pytest.raises(ConfigError, match="cannot import"):
        load_config("hg_no_such_config_module")


def test_the_result_is_frozen_all_the_way_down() -> None:
    config = load_config(
        {
            "EXCEPTIONS_CONFIG": {"retry_strategies": {"NETWORK": {"jitter": 0}}},
            "PROTECTION_CONFIG": {"observability": {"redact_keys": ["token"]}},
        }
    )
    with pytest.raises(TypeError):
        config.retry_strategies["NETWORK"]["jitter"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.global_ = {}  # type: ignore[misc]
    assert config.observability["redact_keys"] == ("token",)


def test_observability_design_keys_are_accepted() -> None:
    config = load_config(
        {
            "PROTECTION_CONFIG": {
                "observability": {
                    "json_logs": True,
                    "redact_keys": ["password"],
                    "snapshot_max_chars": 256,
                    "metrics": {
                        "enabled": True,
                        "port": 9108,
                        "host": "127.0.0.1",
                        "multiprocess_dir": "/t",
                    },
                    "alerts": {
                        "threshold": 0.05,
                        "window_seconds": 60,
                        "min_tasks": 20,
                        "cooldown_seconds": 300,
                        "webhook_url": "http://127.0.0.1:1/h",
                        "slack_webhook_url": "http://127.0.0.1:1/s",
                        "email": {
                            "host": "127.0.0.1",
                            "port": 25,
                            "sender": "a@b",
                            "recipients": ["c@d"],
                            "starttls": False,
                            "username": "u",
                            "password": "p",
                        },
                    },
                }
            }
        }
    )
    assert config.observability["alerts"]["email"]["recipients"] == ("c@d",)


def test_disabled_config_leaves_the_instance_untouched() -> None:
    app = MemoryHuey("cfg-disabled")
    enqueue = app.enqueue

    @app.task()
    def noop():
        return 1

    execute = noop.task_class.execute
    runtime = install(app, {"GLOBAL_CONFIG": {"enabled": False}})
    assert not runtime.config.enabled
    assert app.enqueue == enqueue and noop.task_class.execute is execute
    assert not hasattr(app, "guard")


def test_over_budget_sheds_optional_work_and_says_so(caplog) -> None:
    budget = PerformanceBudget(threshold_ms=1.0, weight=0.5)
    assert budget.record(0.0005) is None and not budget.shedding
    assert budget.record(0.004) is True and budget.shedding  # average 2.25 ms > 1 ms
    assert budget.record(0.0001) is None  # 1.18 ms: still over half the budget
    assert budget.record(0.0) is None
    assert budget.record(0.0) is False and not budget.shedding  # under 0.5 ms: resumes

    # End to end: a budget no real pipeline can meet trips on the first task.
    app = MemoryHuey("cfg-budget", immediate=True)
    runtime = install(app, {"GLOBAL_CONFIG": {"performance_threshold": 0.000001}})
    collected: list[events.GuardEvent] = []
    unsubscribe = events.default_bus.subscribe(collected.append)

    @app.task()
    def quick():
        return 1

    try:
        with caplog.at_level("WARNING", logger="huey_guard.budget"):
            assert quick().get() == 1
    finally:
        unsubscribe()
    assert is_shedding(runtime)
    shed = [e for e in collected if e.kind == events.LOAD_SHED]
    assert len(shed) == 1 and shed[0].extra["shedding"] is True
    assert "shedding optional work" in caplog.text
    assert not is_shedding(install(MemoryHuey("cfg-nobudget")))


def test_while_shedding_events_carry_no_argument_snapshot() -> None:
    app = MemoryHuey("cfg-budget-snapshots", immediate=True)
    install(app, {"GLOBAL_CONFIG": {"performance_threshold": 0.000001}})
    collected: list[events.GuardEvent] = []
    unsubscribe = events.default_bus.subscribe(collected.append)

    @app.task()
    def echo(value):
        return value

    try:
        assert echo("first").get() == "first"  # its success is reported before the budget trips
        assert echo(value="second").get() == "second"
    finally:
        unsubscribe()
    succeeded = [e for e in collected if e.kind == events.TASK_SUCCEEDED]
    assert [(e.args, dict(e.kwargs)) for e in succeeded] == [(("first",), {}), ((), {})]
    (shed,) = [e for e in collected if e.kind == events.LOAD_SHED]
    assert shed.extra["shed"] == ["argument_snapshots"]
