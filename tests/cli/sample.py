"""A small hand-written scan result shared by the emitter, suppression and baseline tests.

The findings are what the engine reports for SOURCE (constructed here so these tests pin the
output formats independently of the engine's own accuracy).
"""

from __future__ import annotations

from huey_guard.analyzer.emitters.report import Report, Summary
from huey_guard.analyzer.model import Finding, NoneSource, Severity, TraceStep

PATH = "app/tasks.py"

SOURCE = """\
from app.queue import huey
from app.models import Order


@huey.task()
def send_receipt(order_id, options=None):
    order = Order.objects.filter(id=order_id).first()
    mailer = get_mailer()
    mailer.send(order.customer.email, "Thanks: 100%, really")
    return options["copy"]
"""

RECEIPT = Finding(
    path=PATH,
    line=9,
    column=17,
    end_line=9,
    end_column=31,
    code="NS101",
    message=(
        "order.customer may be None here: Order.objects.filter(...).first() returns None when "
        "nothing matches (line 7), and nothing checks it before .customer (line 9)"
    ),
    severity=Severity.ERROR,
    task="app.tasks.send_receipt",
    source=NoneSource(7, 13, "Order.objects.filter(...).first() returns None when nothing matches"),
    trace=(
        TraceStep(7, 5, "order = Order.objects.filter(...).first() may be None"),
        TraceStep(9, 17, "order.customer is read with no None check"),
    ),
    subject="order",
    function="send_receipt",
)

OPTIONS = Finding(
    path=PATH,
    line=10,
    column=12,
    end_line=10,
    end_column=19,
    code="NS102",
    message="options may be None here: the parameter defaults to None (line 6), "
    'and nothing checks it before ["copy"] (line 10)',
    severity=Severity.ERROR,
    task="app.tasks.send_receipt",
    source=NoneSource(6, 27, "parameter options defaults to None"),
    trace=(TraceStep(10, 12, "options is subscripted with no None check"),),
    subject="options",
    function="send_receipt",
)

GUARD = Finding(
    path=PATH,
    line=9,
    column=17,
    end_line=9,
    end_column=22,
    code="NS201",
    message="task parameter order_id reaches a dereference with no None check; "
    "guard it with not_none_validator",
    severity=Severity.INFO,
    task="app.tasks.send_receipt",
    subject="order_id",
    function="send_receipt",
)

FINDINGS = (RECEIPT, GUARD, OPTIONS)


def report(findings: tuple[Finding, ...] = FINDINGS, **kwargs: object) -> Report:
    summary = Summary(files=3, task_modules=1, tasks=1, findings=len(findings), seconds=0.25)
    return Report(findings=findings, summary=summary, texts={PATH: SOURCE}, **kwargs)  # type: ignore[arg-type]
