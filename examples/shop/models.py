"""A tiny in-memory store standing in for the shop's database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Customer:
    email: str
    name: str


@dataclass
class Order:
    id: int
    total: float
    customer: Customer | None = None
    items: list[str] = field(default_factory=list)


ORDERS: dict[int, Order] = {}
COUPONS: dict[str, float] = {"WELCOME": 0.1}
