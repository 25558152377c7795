"""The simulated users of ``cityhall bench users`` (benchmarks/users.py), run by Locust as a library in
a process of their own (Locust patches the standard library with gevent, so it is imported first).

    python -m benchmarks.users_locust --host URL --staff N --citizens N --spawn-rate R --run-time S --out F

Staff sign in with the demo accounts (one account per department role, shared round-robin) and read the
office's pages; citizens read the public pages and book free legal consultations. Every request is
written to ``--out`` as (time, page kind, milliseconds, ok, error), with the consultation codes the site
accepted (302 to the receipt) — the parent checks each one is in the database after the faults."""

from locust import HttpUser, between, events, task  # isort: skip  # first: gevent's patching
from locust.env import Environment  # isort: skip

import argparse
import itertools
import json
import random
import re
import sys
import time

import gevent

SLOT = re.compile(r'href="/public/legal-consultation/book/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DONE = re.compile(r"/public/legal-consultation/done/([^/]+)/")
PASSWORD = "cityhall-demo"  # noqa: S105 - the documented demo credential (cityhall.organisation.demo)
STAFF_PAGES = {
    "staff: dashboard": "/",
    "staff: task list": "/tasks/",
    "staff: task page": "/tasks/smart-city-2/",
    "staff: search": "/search/?q=%EA%B0%80%EB%A1%9C%EB%93%B1",
    "staff: record list": "/records/programs/",
    "staff: streetlights (live)": "/streetlights/",
    "staff: repairs": "/streetlights/repairs/",
    "staff: pledges": "/pledges/",
}
RECORDS: list = []
ACCEPTED: list[str] = []
ACCOUNTS: list[str] = []
PHONES = itertools.count(1)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    # Stamped with when the request started (the event fires when it ends), so a fault's window holds
    # the requests sent during it.
    started = time.time() - (response_time or 0) / 1000
    RECORDS.append(
        (round(started, 3), name, round(response_time or 0, 1), exception is None, str(exception or "")[:120])
    )


class Staff(HttpUser):
    wait_time = between(10, 30)
    _accounts = itertools.count()

    def on_start(self):
        self.username = ACCOUNTS[next(self._accounts) % len(ACCOUNTS)]
        self.signed_in = False
        self._sign_in()

    def _sign_in(self):
        page = self.client.get("/accounts/login/", name="staff: sign-in form")
        token = CSRF.search(page.text or "")
        if page.status_code != 200 or token is None:
            return
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            allow_redirects=False,
            name="staff: sign in",
            catch_response=True,
        ) as answer:
            self.signed_in = answer.status_code == 302
            if not self.signed_in:
                answer.failure(f"sign-in answered {answer.status_code}")

    @task
    def read_a_page(self):
        if not self.signed_in:
            self._sign_in()
            return
        name, path = random.choice(list(STAFF_PAGES.items()))
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code == 302:
                self.signed_in = False
                answer.failure("signed out (302)")
            elif answer.status_code not in (200, 403):  # 403: a page this role may not see
                answer.failure(f"HTTP {answer.status_code}")


class Citizen(HttpUser):
    wait_time = between(20, 60)

    @task(3)
    def read_public_pages(self):
        self.client.get(random.choice(["/public/", "/public/pledges/"]), name="citizen: public page")

    @task(1)
    def book_a_consultation(self):
        days = self.client.get("/public/legal-consultation/", name="citizen: consultation days")
        slots = SLOT.findall(days.text or "")
        if days.status_code != 200 or not slots:
            return
        slot = random.choice(slots)
        form = self.client.get(f"/public/legal-consultation/book/{slot}/", name="citizen: booking form")
        token = CSRF.search(form.text or "")
        if form.status_code != 200 or token is None:
            return
        n = next(PHONES)
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "name": f"모의시민{n}",
            "phone": f"010-{5000 + n // 10000:04d}-{n % 10000:04d}",
            "eligibility": "resident",
            "topic": "civil",
            "consent": "on",
        }
        with self.client.post(
            f"/public/legal-consultation/book/{slot}/",
            data=data,
            allow_redirects=False,
            name="citizen: booking (POST)",
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                found = DONE.search(answer.headers.get("Location", ""))
                if found:
                    ACCEPTED.append(found.group(1))
            elif answer.status_code == 422:  # refused (full day, one booking a day): an answer, not an error
                answer.success()
            else:
                answer.failure(f"HTTP {answer.status_code}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--staff", type=int, required=True)
    parser.add_argument("--citizens", type=int, required=True)
    parser.add_argument("--spawn-rate", type=float, required=True)
    parser.add_argument("--run-time", type=float, required=True)
    parser.add_argument("--accounts", required=True, help="comma-separated staff usernames")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    ACCOUNTS.extend(a for a in args.accounts.split(",") if a)
    Staff.fixed_count = args.staff
    Citizen.fixed_count = args.citizens
    env = Environment(user_classes=[Staff, Citizen], host=args.host, events=events)
    runner = env.create_local_runner()
    started = time.time()
    runner.start(args.staff + args.citizens, spawn_rate=args.spawn_rate)
    gevent.sleep(args.run_time)
    runner.quit()
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(
            {"started": started, "stopped": time.time(), "requests": RECORDS, "accepted": ACCEPTED}, out
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
