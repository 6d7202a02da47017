"""Shop tasks: some correct, some with the None bugs huey-nullscan is built to find."""

from __future__ import annotations

import os

from examples.shop.models import COUPONS, ORDERS
from examples.shop.queue import huey


@huey.task()
def send_receipt(order_id: int) -> str:
    order = ORDERS.get(order_id)
    # Bug: an unknown order id gives None, and .customer fails.
    return f"receipt for {order.customer.email}"


@huey.task()
def apply_coupon(code: str, total: float) -> float:
    rate = COUPONS.get(code.upper())
    # Bug: an unknown coupon gives None, and None * total fails.
    return total - total * rate


@huey.task()
def notify(channel, message) -> int:
    # Bug only when a producer passes None: the parameters are used unchecked.
    return len(channel.strip() + ": " + message)


@huey.task()
def report_path() -> str:
    # Bug: REPORT_DIR may be unset.
    return os.environ.get("REPORT_DIR").rstrip("/") + "/daily.csv"


@huey.task()
def order_total(order_id: int) -> float:
    # Correct: the missing order is handled.
    order = ORDERS.get(order_id)
    if order is None:
        return 0.0
    return order.total


@huey.task()
def greeting(name: str = "guest") -> str:
    # Correct: nothing here can be None.
    return "hello " + name
