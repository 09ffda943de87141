#!/usr/bin/env python3
"""docs/examples/checkout.py: a client's first checkout through the API, with requests.

register -> log in -> add a shipping address -> browse (and a conditional GET) -> cart ->
checkout (202) -> poll the order until the saga is done -> refresh the tokens -> log out.
The guides quote it, and the acceptance suite runs it against a real stack
(acceptance/test/examples.test.ts), so what the docs show is known to work.

    API_BASE_URL=http://localhost:8080 python3 docs/examples/checkout.py
    PAYMENT_TOKEN=tok_chargeDeclined python3 docs/examples/checkout.py   # a declined card: exits 1
    PRODUCT_ID=<uuid> python3 docs/examples/checkout.py                  # buy this product

Exits 0 when the order ends processing with its payment completed, 1 otherwise.
Needs requests (Debian: python3-requests).
"""
import os
import secrets
import sys
import time

import requests

BASE = os.environ.get("API_BASE_URL", "http://localhost:8080")
PAYMENT_TOKEN = os.environ.get("PAYMENT_TOKEN", "tok_visa")


class Api:
    """One client session: JSON in and out, the bearer token once logged in, 429s retried."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Accept"] = "application/json"
        self.token = None

    def call(self, method, path, body=None, headers=None, expect=(200,)):
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        for _ in range(5):
            res = self.http.request(method, self.base + path, json=body, headers=all_headers, timeout=30)
            if res.status_code != 429:
                break
            time.sleep(int(res.headers.get("Retry-After", "1")))
        if expect and res.status_code not in expect:
            sys.exit(f"{method} {path}: unexpected HTTP {res.status_code} (wanted {expect}): {res.text}")
        return res


def problem_code(res):
    """The `code` of a problem+json answer, or None."""
    if res.headers.get("Content-Type", "").startswith("application/problem+json"):
        return res.json().get("code")
    return None


def retry_while(request, code, attempts=60):
    """Repeats a request while it answers 422 with this code: the cart learns of new products and
    addresses by events, a second or two after they were created."""
    for _ in range(attempts):
        res = request()
        if not (res.status_code == 422 and problem_code(res) == code):
            return res
        time.sleep(0.5)
    return res


def step(text):
    print(f"\n==> {text}")


def main():
    api = Api(BASE)

    step("register")
    email = f"python-{secrets.token_hex(8)}@example.com"
    password = "pw-" + secrets.token_hex(12)
    customer = api.call("POST", "/api/v1/auth/register", {"email": email, "password": password, "name": "Python Example"}, expect=(201,)).json()
    print(f"customer {customer['id']} ({email})")

    step("log in")
    tokens = api.call("POST", "/api/v1/auth/login", {"email": email, "password": password}).json()
    api.token = tokens["accessToken"]
    print(f"access token valid for {tokens['expiresIn']} s")

    step("add a shipping address")
    address = api.call("POST", "/api/v1/customers/me/addresses",
                       {"line1": "1 Example Street", "city": "Springfield", "postalCode": "12345", "country": "US"}, expect=(201,)).json()

    step("browse: products in stock, cheapest first")
    page = api.call("GET", "/api/v1/products?inStock=true&sort=priceCents&limit=20").json()
    print(f"{len(page['items'])} products on this page; next page: {page['nextCursor']}")
    if not page["items"]:
        sys.exit("no product in stock")
    # The one with the most units available, unless PRODUCT_ID names one.
    product_id = os.environ.get("PRODUCT_ID") or max(page["items"], key=lambda p: p["available"])["id"]

    step("read the product, then again with If-None-Match: 304 while it has not changed")
    res = api.call("GET", f"/api/v1/products/{product_id}")
    product = res.json()
    print(f"buying {product['name']} at {product['priceCents']} cents ({product['available']} available)")
    again = api.call("GET", f"/api/v1/products/{product_id}", headers={"If-None-Match": res.headers["ETag"]}, expect=(200, 304))
    print(f"HTTP {again.status_code} for ETag {res.headers['ETag']}")

    step("open a cart and add the product")
    cart = api.call("POST", "/api/v1/carts", expect=(200, 201)).json()
    res = retry_while(lambda: api.call("POST", f"/api/v1/carts/{cart['id']}/items", {"productId": product_id, "quantity": 1}, expect=None),
                      "PRODUCT_UNAVAILABLE")
    if res.status_code != 201:
        sys.exit(f"add to cart: HTTP {res.status_code}: {res.text}")

    step("check out (202 Accepted)")
    # One key for this checkout, reused by every retry of it: a retry can never place a second order.
    key = "checkout-" + secrets.token_hex(16)
    res = retry_while(lambda: api.call("POST", f"/api/v1/carts/{cart['id']}/checkout",
                                       {"shippingAddressId": address["id"], "paymentToken": PAYMENT_TOKEN},
                                       headers={"Idempotency-Key": key}, expect=None),
                      "ADDRESS_INVALID")
    if res.status_code != 202:
        sys.exit(f"checkout: HTTP {res.status_code}: {res.text}")
    order_url = res.headers["Location"]
    print(f"order {res.json()['orderId']} is {res.json()['status']}; polling {order_url}")

    step("poll the order until the checkout saga is done")
    order = None
    for _ in range(120):
        res = api.call("GET", order_url, expect=(200, 404))  # 404 until the order service has created it
        if res.status_code == 200:
            order = res.json()
            if order["status"] != "pending" and order["paymentStatus"] != "pending":
                break
        time.sleep(0.5)
    if order is None:
        sys.exit("the order was never created")
    reason = f", reason {order['failureReason']}" if order["failureReason"] else ""
    print(f"order {order['status']}, payment {order['paymentStatus']}{reason}")

    step("refresh the tokens (the old refresh token is now spent)")
    tokens = api.call("POST", "/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]}).json()
    api.token = tokens["accessToken"]
    me = api.call("GET", "/api/v1/customers/me").json()
    print(f"still {me['email']} with the new access token")

    step("log out")
    api.call("POST", "/api/v1/auth/logout", {"refreshToken": tokens["refreshToken"]}, expect=(204,))

    return 0 if (order["status"], order["paymentStatus"]) == ("processing", "completed") else 1


if __name__ == "__main__":
    sys.exit(main())
