"""`make load`: shoppers and an admin driving the whole API through the gateway (Locust, headless).

scripts/load.sh runs it; docs/guides/load-testing.md explains the mix, the knobs and the reports.
Task weights: CRUD 40, authentication 20, search and filtering 20, complex operations 20 (the
`@task(n)` numbers below add up to 100). Requests are named "<METHOD> <path template of the
contract>", so the stats are per endpoint and match contracts/openapi.

Pass/fail: every request says which statuses it expects; a business outcome the task provokes
(412 for a stale If-Match, 404 for an unknown product, 401 for a reused refresh token or a wrong
password) is expected there. Any other status is a failure, and a task expecting a status the
contract doesn't document for that operation is a bug of the load (it raises). Declined cards and
sold-out products are answered 202 and end in a cancelled order: those are outcomes, not failures.
A checkout is followed to the saga's final state and recorded as a pseudo-request
"SAGA <scenario> → <outcome>" whose time is the 202-to-final-state duration; a wait for an event to
reach the cart's read model is an "EVENT <what>" (a failure after EVENT_TIMEOUT_S).
"""

import json
import logging
import os
import random
import time
import uuid
from urllib.parse import urlencode

import gevent
import requests
from locust import FastHttpUser, between, events, task
from locust.stats import StatsEntry

import contract

DOCUMENTED = contract.load()
ORDER_FINAL_TIMEOUT_S = 90
# How long a client may wait for an event to reach the cart's read model (a new product or
# address, the reopening after a cancelled order) before it counts as a failure.
EVENT_TIMEOUT_S = 30
POLL_INTERVAL_S = 0.5
# Words of the demo catalogue's names (services/catalog/src/cli/seed-demo.ts) plus one that finds nothing.
SEARCH_WORDS = ["mug", "lamp", "tea", "towel", "basket", "compact", "travel", "classic", "espres", "zzzz"]
SORTS = ["createdAt", "-createdAt", "priceCents", "-priceCents", "name"]
MAX_CART_LINES = 5


class Run:
    """What every simulated user shares: set up once in test_start, tidied in test_stop."""

    tag = uuid.uuid4().hex[:8]
    # One /16 per run keeps this run's clients apart from the last run's login-failure counters.
    net = random.randrange(0, 256)
    next_client = 0
    admin_token: str | None = None
    admin_token_at = 0.0
    # Products made for out-of-stock checkouts: never bought by the other tasks, archived at the end.
    limited_ids: set[str] = set()
    hot_ids: list[str] = []
    all_ids: list[str] = []
    category_ids: list[str] = []
    created_ids: list[str] = []  # the admin's single creations, archived as they pile up
    # Everything the run made, archived when it ends (archiving twice is a harmless 204). The bulk
    # products only then: a bulk import refuses the SKU of an archived product.
    to_archive: set[str] = set()

    @classmethod
    def client_address(cls) -> str:
        """A distinct client address per simulated user (see the guide: why X-Forwarded-For)."""
        cls.next_client += 1
        n = cls.next_client
        return f"10.{cls.net}.{n // 250 % 250}.{n % 250 + 1}"


def admin_credentials() -> tuple[str, str]:
    email, password = os.environ.get("LOAD_ADMIN_EMAIL"), os.environ.get("LOAD_ADMIN_PASSWORD")
    if not email or not password:
        raise RuntimeError("LOAD_ADMIN_EMAIL and LOAD_ADMIN_PASSWORD are needed (scripts/load.sh sets them)")
    return email, password


def setup_call(host: str, method: str, path: str, expect: int, token: str | None = None, body=None):
    """Set-up and tidy-up requests (not part of the measured mix)."""
    headers = {"x-forwarded-for": f"10.{Run.net}.255.254"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    res = requests.request(method, host + path, json=body, headers=headers, timeout=30)
    if res.status_code != expect:
        raise RuntimeError(f"{method} {path}: HTTP {res.status_code} {res.text[:300]}")
    return res.json() if res.content else None


def not_ours(product: dict) -> bool:
    """Another load run on this stack archives its products when it ends: they are never picked."""
    return not product["sku"].startswith("LOAD-")


@events.test_start.add_listener
def set_up(environment, **_kwargs):
    host = environment.host
    try:
        email, password = admin_credentials()
        Run.admin_token = setup_call(host, "POST", "/api/v1/auth/login", 200, body={"email": email, "password": password})["accessToken"]
        Run.admin_token_at = time.monotonic()
        Run.category_ids = [c["id"] for c in setup_call(host, "GET", "/api/v1/categories?limit=100", 200)["items"]]
        Run.hot_ids = [p["id"] for p in setup_call(host, "GET", "/api/v1/products?limit=20&sort=name&inStock=true", 200)["items"] if not_ours(p)]
        cursor = None
        for _ in range(10):
            page = setup_call(host, "GET", "/api/v1/products?" + urlencode({"limit": 100, "inStock": "true", **({"cursor": cursor} if cursor else {})}), 200)
            Run.all_ids += [p["id"] for p in page["items"] if not_ours(p)]
            cursor = page["nextCursor"]
            if not cursor:
                break
        if not Run.hot_ids:
            raise RuntimeError("no product in stock: did make up seed the demo catalogue?")
    except Exception as error:  # noqa: BLE001 - any set-up failure ends the run with its reason
        environment.process_exit_code = 2
        logging.error("load: set-up failed: %s", error)
        gevent.spawn_later(0, environment.runner.quit)


@events.test_stop.add_listener
def tidy_up(environment, **_kwargs):
    """Archives what the run created, so the demo catalogue's listings don't fill with load products."""
    for product_id in Run.to_archive:
        try:
            setup_call(environment.host, "DELETE", f"/api/v1/products/{product_id}", 204, Run.admin_token)
        except Exception as error:  # noqa: BLE001 - tidying is best effort; the run's result stands
            logging.error("load: could not archive product %s: %s", product_id, error)


@events.quitting.add_listener
def http_totals(environment, **_kwargs):
    """Locust's "Aggregated" row counts the SAGA and EVENT pseudo-requests too: the summary's totals are HTTP only."""
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix:
        return
    total = StatsEntry(environment.stats, "HTTP total", "")
    for entry in environment.stats.entries.values():
        if entry.method not in ("SAGA", "EVENT"):
            total.extend(entry)
    with open(f"{prefix}_http_total.json", "w", encoding="utf-8") as f:
        json.dump({"requests": total.num_requests, "failures": total.num_failures, "rps": total.total_rps,
                   **{f"p{int(q * 100)}": total.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)},
                   "max": total.max_response_time}, f)


class Shopper(FastHttpUser):
    """One customer with an address and a cart; some of its tasks act as the (shared) admin."""

    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.ip = Run.client_address()
        self.etags: dict[str, str] = {}
        self.addresses: list[str] = []
        self.old_refresh: str | None = None
        self.new_account()

    # --- plumbing ----------------------------------------------------------------------------

    def call(self, method: str, template: str, expect=(200,), *, token=None, body=None, query=None, headers=None, outcomes=(), **path):
        """One request named by its contract operation; a failure unless its status is in `expect`, or
        it is one of the business `outcomes` (status, problem code) the caller accepts, e.g. an event
        still on its way, or a product running short."""
        name = f"{method} {template}"
        documented = DOCUMENTED.get(name)
        if documented is None or not {*expect, *(status for status, _ in outcomes)} <= documented:
            raise ValueError(f"the load expects {sorted(expect)} from {name}, the contract documents {sorted(documented or [])}")
        url = template.format(**path) + (f"?{urlencode(query)}" if query else "")
        hdrs = {"x-forwarded-for": self.ip, **(headers or {})}
        if token:
            hdrs["authorization"] = f"Bearer {token}"
        kwargs = {"json": body} if body is not None else {}
        with self.client.request(method, url, name=name, headers=hdrs, catch_response=True, **kwargs) as res:
            if res.status_code in expect or (res.status_code, problem_code(res)) in outcomes:
                res.success()
            else:
                res.failure(describe(res, documented))
                # The failure line groups equal failures; the log keeps which resource it was.
                logging.warning("unexpected answer: %s %s → %s %s", method, url, res.status_code, (res.text or "")[:300])
        return res

    @property
    def admin(self) -> str:
        # Access tokens live 15 minutes: a long run logs the admin in again.
        if time.monotonic() - Run.admin_token_at > 600:
            Run.admin_token_at = time.monotonic()  # before the call: the other users keep the old token meanwhile
            email, password = admin_credentials()
            res = self.call("POST", "/api/v1/auth/login", body={"email": email, "password": password})
            if res.status_code == 200:
                Run.admin_token = res.json()["accessToken"]
        return Run.admin_token

    def login(self):
        res = self.call("POST", "/api/v1/auth/login", body={"email": self.email, "password": self.password})
        if res.status_code == 200:
            tokens = res.json()
            self.token, self.refresh = tokens["accessToken"], tokens["refreshToken"]

    def pending_cart(self) -> dict | None:
        """POST /carts: the shopper's pending cart (201 new, 200 the one it has)."""
        res = self.call("POST", "/api/v1/carts", (200, 201), token=self.token)
        return res.json() if res.status_code in (200, 201) else None

    def add_item(self, cart_id: str, product_id: str, quantity: int, fresh=False):
        """A product created a moment ago (`fresh`) reaches the cart's copy by an event: 422 until then."""
        body = {"productId": product_id, "quantity": quantity}
        if not fresh:
            # The cart checks its (advisory) copy of the stock: a product running short is a 409.
            return self.call("POST", "/api/v1/carts/{cartId}/items", (201,), token=self.token,
                             outcomes=[(409, "INSUFFICIENT_STOCK")], body=body, cartId=cart_id)
        return self.until_event("new product reached the cart", (422, "PRODUCT_UNAVAILABLE"), lambda: self.call(
            "POST", "/api/v1/carts/{cartId}/items", (201,), token=self.token, outcomes=[(422, "PRODUCT_UNAVAILABLE")], body=body, cartId=cart_id))

    def until_event(self, what: str, pending: tuple[int, str], attempt):
        """Repeats `attempt` while it answers `pending` (status, code): the event it needs is on its way.
        A wait is recorded as an EVENT pseudo-request "<what>" timed from the first pending answer,
        a failure after EVENT_TIMEOUT_S."""
        started = time.monotonic()
        res = attempt()
        if (res.status_code, problem_code(res)) != pending:
            return res
        while (res.status_code, problem_code(res)) == pending:
            if time.monotonic() - started > EVENT_TIMEOUT_S:
                self.record("EVENT", what, started, error=f"not within {EVENT_TIMEOUT_S} s")
                return res
            gevent.sleep(0.2)
            res = attempt()
        self.record("EVENT", what, started)
        return res

    @staticmethod
    def product_to_read() -> str:
        # Mostly the hot first page (cache hits), sometimes anywhere in the catalogue (misses).
        return random.choice(Run.hot_ids if random.random() < 0.7 else Run.all_ids)

    @staticmethod
    def product_to_buy() -> str:
        # Spread over the whole catalogue, so repeated runs don't sell the hot page out.
        return random.choice(Run.all_ids)

    @staticmethod
    def editable_lines(cart: dict) -> list[dict]:
        return [line for line in cart["items"] if line["productId"] not in Run.limited_ids]

    # --- CRUD: 40 -------------------------------------------------------------------------

    @task(10)
    def cart_add_item(self):
        cart = self.pending_cart()
        if cart and len(cart["items"]) < MAX_CART_LINES:
            self.add_item(cart["id"], self.product_to_buy(), random.randint(1, 2))

    @task(6)
    def cart_update_item(self):
        cart = self.pending_cart()
        if cart and self.editable_lines(cart):
            line = random.choice(self.editable_lines(cart))
            self.call("PATCH", "/api/v1/carts/{cartId}/items/{itemId}", token=self.token, outcomes=[(409, "INSUFFICIENT_STOCK")],
                      body={"quantity": random.randint(1, 3)}, cartId=cart["id"], itemId=line["id"])

    @task(4)
    def cart_remove_item(self):
        cart = self.pending_cart()
        if cart and cart["items"]:
            self.call("DELETE", "/api/v1/carts/{cartId}/items/{itemId}", (204,), token=self.token,
                      cartId=cart["id"], itemId=random.choice(cart["items"])["id"])

    @task(4)
    def cart_view(self):
        res = self.call("GET", "/api/v1/carts/current", (200, 404), token=self.token)
        if res.status_code == 200:
            self.call("GET", "/api/v1/carts/{cartId}", token=self.token, cartId=res.json()["id"])

    @task(3)
    def cart_abandon(self):
        cart = self.pending_cart()
        if cart:
            self.call("DELETE", "/api/v1/carts/{cartId}", (204,), token=self.token, cartId=cart["id"])

    @task(6)
    def address_book(self):
        self.call("GET", "/api/v1/customers/me/addresses", token=self.token)
        if len(self.addresses) < 3:
            res = self.call("POST", "/api/v1/customers/me/addresses", (201,), token=self.token, body={
                "line1": f"{random.randint(1, 999)} Load Street", "city": "Testville", "postalCode": "12345", "country": "US"})
            if res.status_code == 201:
                self.addresses.append(res.json()["id"])
        elif random.random() < 0.5:
            self.call("PATCH", "/api/v1/customers/me/addresses/{addressId}", token=self.token,
                      body={"postalCode": f"{random.randint(10000, 99999)}"}, addressId=random.choice(self.addresses[1:]))
        else:
            # The first address is the one checkouts ship to: only the others go.
            gone = self.addresses.pop(random.randrange(1, len(self.addresses)))
            self.call("DELETE", "/api/v1/customers/me/addresses/{addressId}", (204,), token=self.token, addressId=gone)

    @task(7)
    def admin_product_writes(self):
        res = self.call("POST", "/api/v1/products", (201,), token=self.admin, body={
            "sku": f"LOAD-{Run.tag}-{uuid.uuid4().hex[:12]}", "name": f"Load test product {Run.tag}",
            "description": "Made by make load.", "priceCents": random.randint(100, 9_999),
            "categoryId": random.choice(Run.category_ids) if Run.category_ids else None, "initialStock": 50})
        if res.status_code != 201:
            return
        product_id = res.json()["id"]
        Run.to_archive.add(product_id)
        self.call("PATCH", "/api/v1/products/{productId}", token=self.admin,
                  body={"priceCents": random.randint(100, 9_999)}, productId=product_id)
        # A stale If-Match (the ETag of some other representation) is refused: 412.
        self.call("PATCH", "/api/v1/products/{productId}", (412,), token=self.admin, body={"name": "Never applied"},
                  headers={"if-match": '"stale"'}, productId=product_id)
        self.call("POST", "/api/v1/products/{productId}/inventory/adjustments", (201,), token=self.admin,
                  body={"delta": random.randint(1, 20), "reason": "make load delivery"}, productId=product_id)
        self.call("GET", "/api/v1/products/{productId}/inventory", token=self.admin, productId=product_id)
        # Listed only now, so no other user archives it while this one still writes to it.
        Run.created_ids.append(product_id)
        if len(Run.created_ids) > 20:
            old = Run.created_ids.pop(0)
            if self.call("DELETE", "/api/v1/products/{productId}", (204,), token=self.admin, productId=old).status_code == 204:
                Run.to_archive.discard(old)

    # --- authentication: 20 ---------------------------------------------------------------

    def new_account(self):
        """Register, log in and add the address checkouts ship to."""
        self.email = f"load-{uuid.uuid4().hex}@load.example"
        self.password = f"pw-{uuid.uuid4().hex}"
        self.token = self.refresh = self.old_refresh = None
        self.addresses = []
        self.etags.pop("me", None)
        res = self.call("POST", "/api/v1/auth/register", (201,), body={"email": self.email, "password": self.password, "name": "Load Shopper"})
        if res.status_code != 201:
            return
        self.login()
        if self.token:
            res = self.call("POST", "/api/v1/customers/me/addresses", (201,), token=self.token,
                            body={"line1": "1 Load Street", "city": "Testville", "postalCode": "12345", "country": "US"})
            if res.status_code == 201:
                self.addresses.append(res.json()["id"])

    @task(2)
    def account_churn(self):
        """The customer closes the account (its pending cart is abandoned) and a new one registers."""
        self.call("DELETE", "/api/v1/customers/me", (204,), token=self.token)
        self.new_account()

    @task(4)
    def log_in(self):
        self.login()

    @task(5)
    def refresh_rotation(self):
        res = self.call("POST", "/api/v1/auth/refresh", body={"refreshToken": self.refresh})
        if res.status_code == 200:
            self.old_refresh = self.refresh
            tokens = res.json()
            self.token, self.refresh = tokens["accessToken"], tokens["refreshToken"]

    @task(1)
    def refresh_reuse(self):
        """A rotated refresh token presented again revokes its family (401); the shopper logs in again."""
        if self.old_refresh:
            self.call("POST", "/api/v1/auth/refresh", (401,), body={"refreshToken": self.old_refresh})
            self.old_refresh = None
            self.login()

    @task(5)
    def me(self):
        etag = self.etags.get("me")
        res = self.call("GET", "/api/v1/customers/me", (200, 304) if etag else (200,), token=self.token,
                        headers={"if-none-match": etag} if etag else None)
        if res.status_code == 200 and res.headers.get("etag"):
            self.etags["me"] = res.headers["etag"]

    @task(2)
    def log_out(self):
        self.call("POST", "/api/v1/auth/logout", (204,), body={"refreshToken": self.refresh})
        self.login()

    @task(1)
    def wrong_password(self):
        # An unknown email: counts against this client's failure limit, never locks a real account.
        self.call("POST", "/api/v1/auth/login", (401,), body={"email": f"nobody-{uuid.uuid4().hex[:8]}@load.example", "password": "not-the-password"})

    # --- search and filtering: 20 ---------------------------------------------------------

    @task(10)
    def browse(self):
        query = {"sort": random.choice(SORTS), "limit": random.choice([5, 10, 20, 50])}
        if random.random() < 0.5:
            query["q"] = random.choice(SEARCH_WORDS)
        if Run.category_ids and random.random() < 0.4:
            query["categoryId"] = random.choice(Run.category_ids)
        if random.random() < 0.3:
            low = random.randint(0, 3_000)
            query.update(minPriceCents=low, maxPriceCents=low + random.randint(500, 5_000))
        if random.random() < 0.5:
            query["inStock"] = "true"
        res = self.call("GET", "/api/v1/products", query=query)
        if res.status_code == 200 and res.json()["nextCursor"] and random.random() < 0.4:
            self.call("GET", "/api/v1/products", query={**query, "cursor": res.json()["nextCursor"]})

    @task(8)
    def product_by_id(self):
        if random.random() < 0.05:
            self.call("GET", "/api/v1/products/{productId}", (404,), productId=str(uuid.uuid4()))
            return
        product_id = self.product_to_read()
        etag = self.etags.get(product_id) if random.random() < 0.3 else None
        res = self.call("GET", "/api/v1/products/{productId}", (200, 304) if etag else (200,),
                        headers={"if-none-match": etag} if etag else None, productId=product_id)
        if res.status_code == 200 and res.headers.get("etag"):
            self.etags[product_id] = res.headers["etag"]

    @task(2)
    def categories(self):
        self.call("GET", "/api/v1/categories")

    # --- complex operations: 20 -----------------------------------------------------------

    def checkout(self, payment_token: str, keep: str | None = None) -> tuple[str, str] | None:
        """Checks out the pending cart (filled with 1 to 3 products if empty): (cart id, order id) of the 202."""
        cart = self.pending_cart() if self.addresses else None
        if not cart:
            return None
        lines = 0
        for line in cart["items"]:
            if line["productId"] in Run.limited_ids and line["productId"] != keep:
                # Left from an out-of-stock order whose cart reopened: the shopper takes it out.
                self.call("DELETE", "/api/v1/carts/{cartId}/items/{itemId}", (204,), token=self.token, cartId=cart["id"], itemId=line["id"])
            else:
                lines += 1
        if not lines:
            for product_id in {self.product_to_buy() for _ in range(random.randint(1, 3))}:
                if self.add_item(cart["id"], product_id, 1).status_code != 201:
                    return None
        key = str(uuid.uuid4())
        body = {"shippingAddressId": self.addresses[0], "paymentToken": payment_token}
        # The address reaches the cart by an event: 422 ADDRESS_INVALID right after registering.
        res = self.until_event("new address reached the cart", (422, "ADDRESS_INVALID"), lambda: self.call(
            "POST", "/api/v1/carts/{cartId}/checkout", (202,), token=self.token, outcomes=[(422, "ADDRESS_INVALID")],
            headers={"idempotency-key": key}, body=body, cartId=cart["id"]))
        if res.status_code != 202:
            return None
        order_id = res.json()["orderId"]
        if random.random() < 0.1:
            # A client retrying after a lost answer gets the same 202 and order (Idempotency-Key).
            again = self.call("POST", "/api/v1/carts/{cartId}/checkout", (202,), token=self.token,
                              headers={"idempotency-key": key}, body=body, cartId=cart["id"])
            if again.status_code == 202 and again.json()["orderId"] != order_id:
                self.record("SAGA", "idempotent replay → another order", time.monotonic(), error="a replayed checkout made a second order")
        return cart["id"], order_id

    def follow(self, scenario: str, placed: tuple[str, str], done=None) -> dict | None:
        """Polls the order (404 until the order service has created it) until the saga is done; when
        it ended cancelled, also until the cart has heard of it."""
        cart_id, order_id = placed
        done = done or settled
        started = time.monotonic()
        while time.monotonic() - started < ORDER_FINAL_TIMEOUT_S:
            res = self.call("GET", "/api/v1/orders/{orderId}", (200, 404), token=self.token, orderId=order_id)
            if res.status_code == 200 and done(res.json()):
                order = res.json()
                outcome = f"{order['status']}/{order['paymentStatus']}" + (f" {order['failureReason']}" if order.get("failureReason") else "")
                self.record("SAGA", f"{scenario} → {outcome}", started)
                if done is settled and order["status"] == "cancelled":
                    self.wait_for_cart(cart_id)
                return order
            gevent.sleep(POLL_INTERVAL_S)
        self.record("SAGA", f"{scenario} → not settled", started, error=f"order not in a final state after {ORDER_FINAL_TIMEOUT_S} s")
        return None

    def record(self, kind: str, name: str, started: float, error: str | None = None):
        """A pseudo-request (SAGA, EVENT) in Locust's stats, timed from `started` (time.monotonic())."""
        self.environment.events.request.fire(request_type=kind, name=name, response_time=(time.monotonic() - started) * 1000,
                                             response_length=0, response=None, context={},
                                             exception=RuntimeError(error) if error else None)

    def wait_for_cart(self, cart_id: str) -> dict | None:
        """The checked-out cart once it has heard of its cancelled order (order.order.cancelled): pending
        again (reopened), or converted if the order had been confirmed first. Waiting matters: a cart
        started meanwhile would be merged into the reopened one and abandoned under the shopper's feet."""
        started = time.monotonic()
        while time.monotonic() - started < EVENT_TIMEOUT_S:
            res = self.call("GET", "/api/v1/carts/{cartId}", token=self.token, cartId=cart_id)
            if res.status_code == 200 and res.json()["status"] != "submitted":
                self.record("EVENT", "cart heard of the cancelled order", started)
                return res.json()
            gevent.sleep(POLL_INTERVAL_S)
        self.record("EVENT", "cart heard of the cancelled order", started, error=f"not within {EVENT_TIMEOUT_S} s")
        return None

    @task(7)
    def checkout_paid(self):
        placed = self.checkout("tok_visa")
        if placed:
            self.follow("checkout tok_visa", placed)

    @task(3)
    def checkout_declined(self):
        """A declined card; the cart reopens and the shopper pays with a card that works."""
        card = random.choice(["tok_chargeDeclined", "tok_insufficientFunds"])
        placed = self.checkout(card)
        if placed and self.follow(f"checkout {card}", placed):
            retried = self.checkout("tok_visa")
            if retried:
                self.follow("checkout retried with tok_visa", retried)

    @task(2)
    def checkout_out_of_stock(self):
        """The last unit is in the cart, then written off in the warehouse before the checkout: the
        reservation is refused (stock_reservations_rejected_total) and the order cancelled OUT_OF_STOCK."""
        res = self.call("POST", "/api/v1/products", (201,), token=self.admin, body={
            "sku": f"LOAD-{Run.tag}-LAST-{uuid.uuid4().hex[:10]}", "name": f"Load test last unit {Run.tag}",
            "description": "Made by make load: one unit, written off before the checkout.", "priceCents": 1_500, "initialStock": 1})
        cart = self.pending_cart() if res.status_code == 201 else None
        if not cart:
            return
        product_id = res.json()["id"]
        Run.limited_ids.add(product_id)
        Run.to_archive.add(product_id)
        if self.add_item(cart["id"], product_id, 1, fresh=True).status_code != 201:
            return
        self.call("POST", "/api/v1/products/{productId}/inventory/adjustments", (201,), token=self.admin,
                  body={"delta": -1, "reason": "make load: the last unit broke"}, productId=product_id)
        placed = self.checkout("tok_visa", keep=product_id)
        if placed:
            self.follow("checkout of a product written off meanwhile", placed)

    @task(1)
    def checkout_payment_timeout(self):
        # The sandbox never answers tok_timeout: the order is cancelled PAYMENT_TIMEOUT at the step's deadline (30 s).
        placed = self.checkout("tok_timeout")
        if placed:
            self.follow("checkout tok_timeout", placed)

    @task(2)
    def cancel_order(self):
        """The shopper cancels right after checking out (pending or processing) and abandons the reopened cart."""
        placed = self.checkout("tok_visa")
        if not placed:
            return
        order = self.follow("state when the customer cancels", placed, done=lambda o: True)
        if not order or order["status"] == "cancelled":
            return
        self.call("POST", "/api/v1/orders/{orderId}/cancel", (202,), token=self.token,
                  headers={"idempotency-key": str(uuid.uuid4())}, body={"reason": "make load: changed my mind"}, orderId=placed[1])
        # Not `settled`: this task waits for the cart itself, to abandon it if it reopened.
        self.follow("cancelled by the customer", placed, done=lambda o: o["status"] == "cancelled" and o["paymentStatus"] != "pending")
        cart = self.wait_for_cart(placed[0])
        if cart and cart["status"] == "pending":
            self.call("DELETE", "/api/v1/carts/{cartId}", (204,), token=self.token, cartId=cart["id"])

    @task(3)
    def admin_refund(self):
        """A paid order refunded by the admin (goodwill): payment completed → refunded."""
        placed = self.checkout("tok_visa")
        if not placed:
            return
        order = self.follow("checkout then admin refund", placed)
        if not order or order["paymentStatus"] != "completed":
            return
        res = self.call("GET", "/api/v1/payments", token=self.token, query={"orderId": placed[1]})
        if res.status_code != 200 or not res.json()["items"]:
            return
        payment_id = res.json()["items"][0]["id"]
        self.call("POST", "/api/v1/payments/{paymentId}/refunds", (202,), token=self.admin,
                  headers={"idempotency-key": str(uuid.uuid4())}, body={"reason": "make load goodwill refund"}, paymentId=payment_id)
        self.call("GET", "/api/v1/payments/{paymentId}/history", token=self.token, paymentId=payment_id)
        self.call("GET", "/api/v1/orders/{orderId}/history", token=self.token, orderId=placed[1])

    @task(2)
    def admin_bulk_import(self):
        """POST /products/bulk: 5 items of a pool of 20 SKUs per run, so later imports update earlier ones."""
        items = [{"sku": f"LOAD-{Run.tag}-BULK-{n:02d}", "name": f"Load bulk product {n}", "description": "Imported by make load.",
                  "priceCents": random.randint(100, 9_999), "initialStock": 100}
                 for n in random.sample(range(20), 5)]
        res = self.call("POST", "/api/v1/products/bulk", token=self.admin, body={"items": items})
        if res.status_code == 200:
            Run.to_archive.update(item["productId"] for item in res.json()["items"])


def settled(order: dict) -> bool:
    """The saga's final state as the customer sees it (acceptance/src/client.ts isSettled)."""
    if order["status"] == "cancelled":
        return order["paymentStatus"] != "pending"
    return order["status"] != "pending" and order["paymentStatus"] == "completed"


def problem_code(res) -> str:
    """The `code` of a problem+json answer ("" for anything else)."""
    try:
        body = res.json()
    except Exception:  # noqa: BLE001 - not JSON (no answer, or nginx's own page)
        return ""
    return body.get("code", "") if isinstance(body, dict) else ""


def describe(res, documented: frozenset[int]) -> str:
    """The failure message; no ids in it, so Locust groups equal failures into one line."""
    code = problem_code(res)
    status = res.status_code
    if status == 0:
        return f"no response: {res.error}"
    if status == 429:
        return f"HTTP 429 {code}: rate limited"
    why = "not in the contract" if status not in documented else "not expected for this request"
    return f"HTTP {status} {code} ({why})".replace("  ", " ")
