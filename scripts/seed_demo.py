"""Demo data through the public APIs: a few Đồng Nai facilities, a coach operator, the
department analysts and a commune police officer, two weeks of guests and today's trip.

Idempotent: accounts created once are remembered in .local/demo.json; guests are registered
with the same documents and arrival day, which ingest deduplicates by natural key, and the
trip with a fixed Idempotency-Key per day.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

STATE = Path(
    os.environ.get(
        "LUUTRU_DEMO_STATE", Path(__file__).resolve().parents[1] / ".local" / "demo.json"
    )
)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The police admin accounts bootstraps from the same settings (dev defaults).
ADMIN = (
    os.environ.get("LUUTRU_BOOTSTRAP_ADMIN_USERNAME", "admin"),
    os.environ.get("LUUTRU_BOOTSTRAP_ADMIN_PASSWORD", "ChangeMe-2026!"),
)
# accounts makes every new account change the one-time password at first login; the demo
# accounts all get this one, so the printed credentials stay usable.
DEMO_MANAGER_PASSWORD = "QuanLy-Demo-2026!"
HISTORY_DAYS = 13  # days before today with guests, so the dashboards have a trend to show

FACILITIES = [
    {
        "name": "Khách sạn Sông Đồng Nai",
        "facility_type": "hotel",
        "star_rating": 4,
        "commune_code": 26068,
        "street": "1 Cách Mạng Tháng Tám",
        "rooms": 80,
        "beds": 150,
    },
    {
        "name": "Nhà nghỉ Hoa Mai",
        "facility_type": "motel",
        "commune_code": 26041,
        "street": "45 Phạm Văn Thuận",
        "rooms": 12,
        "beds": 20,
    },
    {
        "name": "Nhà trọ Bình Minh",
        "facility_type": "boarding_house",
        "commune_code": 26017,
        "street": "Hẻm 12 Đồng Khởi",
        "rooms": 20,
        "beds": 40,
    },
    {
        "name": "Khu nhà ở công nhân Long Bình",
        "facility_type": "zone_housing",
        "commune_code": 26020,
        "street": "Đường số 2",
        "zone": "KCN Long Bình (Amata)",
        "rooms": 200,
        "beds": 800,
    },
    {
        "name": "Bệnh viện Đa khoa Đồng Nai",
        "facility_type": "medical",
        "commune_code": 25993,
        "street": "2 Đồng Khởi",
        "rooms": 300,
        "beds": 700,
    },
    {
        "name": "Nhà xe Đồng Nai Express",
        "facility_type": "coach",
        "commune_code": 26068,
        "street": "Bến xe Biên Hòa",
        "vehicles": 12,
        "seats": 480,
    },
]
# People who do not belong to a facility: one analyst per department, one commune officer.
USERS = [
    {"username": "sovhttdl.demo", "full_name": "Trần Thu Hương", "role": "department_analyst",
     "department": "VHTTDL"},
    {"username": "syt.demo", "full_name": "Lê Minh Tâm", "role": "department_analyst",
     "department": "SYT"},
    {"username": "sgtvt.demo", "full_name": "Phạm Quốc Bảo", "role": "department_analyst",
     "department": "SGTVT"},
    {"username": "bqlkkt.demo", "full_name": "Võ Thị Ngọc", "role": "department_analyst",
     "department": "BQLKKT"},
    {"username": "ca.tranbien.demo", "full_name": "Đỗ Hữu Nghĩa", "role": "police_officer",
     "communes": [26068]},
]  # fmt: skip

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Trang"]
FOREIGN = [
    ("KOR", "Kim Min Jun"),
    ("JPN", "Sato Haruto"),
    ("USA", "Emily Johnson"),
    ("CHN", "Wang Fang"),
    ("AUS", "Jack Wilson"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", default="http://127.0.0.1:8001")
    parser.add_argument("--ingest", default="http://127.0.0.1:8002")
    parser.add_argument("--analytics", default="http://127.0.0.1:8003")
    parser.add_argument("--console", default="http://127.0.0.1:8000")
    parser.add_argument("--guests-per-facility", type=int, default=12)
    args = parser.parse_args()

    with httpx.Client(timeout=10) as http:
        admin = login(http, args.accounts, *ADMIN)
        state = ensure_facilities(http, args.accounts, admin)
        total = 0
        for i, facility in enumerate(state["facilities"]):
            token = manager_login(http, args.accounts, facility)
            # Saved at once: a password changed now must not be lost if a later step fails.
            save(state)
            if facility["facility_type"] == "coach":
                submit_trip(http, args.ingest, token)
                continue
            total += register_guests(
                http, args.ingest, token, seed=i, count=args.guests_per_facility
            )
            register_history(http, args.ingest, token, seed=i, per_day=args.guests_per_facility)
        state["users"] = ensure_users(http, args.accounts, admin, state.get("users", {}))
        save(state)
    print_summary(args, state, total)


def save(state: dict) -> None:
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state, ensure_ascii=False, indent=2))


def ensure_users(http: httpx.Client, base: str, admin: str, known: dict) -> dict:
    """Create the demo users once; a user whose password is no longer the demo one (or whose
    state file was lost) gets a one-time password from the admin, changed at once."""
    headers = {"Authorization": f"Bearer {admin}"}
    for spec in USERS:
        name = spec["username"]
        ok = http.post(
            f"{base}/v1/auth/token", json={"username": name, "password": DEMO_MANAGER_PASSWORD}
        )
        if ok.status_code == 200 and not ok.json().get("must_change_password"):
            known[name] = spec["role"]
            continue
        created = http.post(f"{base}/v1/users", headers=headers, json=spec)
        if created.status_code == 201:
            one_time = created.json()["one_time_password"]
        else:
            user = find_user(http, base, headers, name, spec["role"])
            reset = http.post(f"{base}/v1/users/{user['id']}/reset-password", headers=headers)
            reset.raise_for_status()
            one_time = reset.json()["one_time_password"]
        http.post(
            f"{base}/v1/auth/password",
            json={"username": name, "current_password": one_time,
                  "new_password": DEMO_MANAGER_PASSWORD},
        ).raise_for_status()  # fmt: skip
        known[name] = spec["role"]
    return known


def login(http: httpx.Client, base: str, username: str, password: str) -> str:
    response = http.post(f"{base}/v1/auth/token", json={"username": username, "password": password})
    response.raise_for_status()
    return response.json()["access_token"]


def manager_login(http: httpx.Client, base: str, facility: dict) -> str:
    """Log a demo manager in, changing the one-time password first if it is still one."""
    for password in dict.fromkeys((facility["password"], DEMO_MANAGER_PASSWORD)):
        response = http.post(
            f"{base}/v1/auth/token",
            json={"username": facility["username"], "password": password},
        )
        if response.status_code == 200:
            facility["password"] = password
            break
    response.raise_for_status()
    if not response.json().get("must_change_password"):
        return response.json()["access_token"]
    changed = http.post(
        f"{base}/v1/auth/password",
        json={
            "username": facility["username"],
            "current_password": facility["password"],
            "new_password": DEMO_MANAGER_PASSWORD,
        },
    )
    changed.raise_for_status()
    facility["password"] = DEMO_MANAGER_PASSWORD
    return changed.json()["access_token"]


def find_user(http: httpx.Client, base: str, headers: dict, username: str, role: str) -> dict:
    params: dict = {"role": role, "limit": 200}
    while True:
        page = http.get(f"{base}/v1/users", headers=headers, params=params)
        page.raise_for_status()
        body = page.json()
        for user in body["items"]:
            if user["username"] == username:
                return user
        if not body.get("next_cursor"):
            raise SystemExit(f"seed: user {username} exists but was not found")
        params["cursor"] = body["next_cursor"]


def ensure_facilities(http: httpx.Client, base: str, admin: str) -> dict:
    """The demo facilities, created once each (by name) and remembered in the state file."""
    headers = {"Authorization": f"Bearer {admin}"}
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    known = {
        f["name"]: f
        for f in state.get("facilities", [])
        if http.get(f"{base}/v1/facilities/{f['id']}", headers=headers).status_code == 200
    }
    facilities = []
    for spec in FACILITIES:
        if spec["name"] not in known:
            response = http.post(
                f"{base}/v1/facilities", headers=headers, json={**spec, "province_code": 75}
            )
            response.raise_for_status()
            body = response.json()
            known[spec["name"]] = {
                "id": body["facility"]["id"],
                "code": body["facility"]["code"],
                "name": spec["name"],
                "facility_type": spec["facility_type"],
                "username": body["manager"]["username"],
                "password": body["manager"]["one_time_password"],
            }
        facilities.append(known[spec["name"]])
    state["facilities"] = facilities
    save(state)
    return state


def demo_guest(rng: random.Random, arrival: datetime, seed: int, n: int) -> dict:
    """One guest arriving at ``arrival``: mostly Vietnamese citizens, some foreigners."""
    born = datetime(rng.randrange(1950, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
    female = rng.random() < 0.5
    if rng.random() < 0.15:
        country, name = rng.choice(FOREIGN)
        doc = {
            "passport_number": f"{country[0]}{seed:02d}{n:06d}",
            "nationality": country,
            # Foreigners (Law 47/2014 Art. 33): visa or exemption, entry date and port.
            "visa_type": "DL",
            "visa_number": f"V{seed:02d}{n:06d}",
            "entry_date": (arrival.date() - timedelta(days=rng.randrange(1, 10))).isoformat(),
            "entry_port": rng.choice(["Cửa khẩu Tân Sơn Nhất", "Cửa khẩu Mộc Bài"]),
        }
    else:
        name = f"{rng.choice(FAMILY)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        century = 0 if born.year < 2000 else 2
        doc = {
            "id_number": f"075{century + int(female)}{born.year % 100:02d}{seed:02d}{n % 10000:04d}"
        }
    return {
        "full_name": name,
        "date_of_birth": born.date().isoformat(),
        "gender": "female" if female else "male",
        "check_in_at": arrival.isoformat(),
        "room": str(100 + n % 100),
        **doc,
    }


def register_history(http: httpx.Client, base: str, token: str, *, seed: int, per_day: int):
    """Guests of the previous days (one batch per day), who checked out after a night or two.
    They are reported now, so the compliance view counts them as late."""
    headers = {"Authorization": f"Bearer {token}"}
    today = datetime.now(VN).replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(1, HISTORY_DAYS + 1):
        rng = random.Random(seed * 1000 + back)
        day = today - timedelta(days=back)
        guests, departures = [], []
        for n in range(per_day + rng.randrange(per_day + 1)):
            arrival = day + timedelta(hours=12 + rng.randrange(10), minutes=rng.randrange(60))
            guests.append(demo_guest(rng, arrival, seed, 1000 * back + n))
            departures.append(arrival + timedelta(days=1 + rng.randrange(2), hours=-4))
        response = http.post(f"{base}/v1/stays/batch", headers=headers, json={"guests": guests})
        if response.status_code >= 400:
            raise SystemExit(f"seed: history batch refused: {response.status_code} {response.text}")
        for result, leaving in zip(response.json()["results"], departures, strict=True):
            if result["status"] != "accepted" or leaving > datetime.now(VN):
                continue  # a re-run: checked out the first time; or still staying
            http.post(
                f"{base}/v1/stays/{result['receipt']['stay_id']}/check-out",
                headers=headers,
                json={"check_out_at": leaving.isoformat()},
            ).raise_for_status()


def submit_trip(http: httpx.Client, base: str, token: str) -> None:
    """Today's Biên Hòa → Đà Lạt coach with a few passengers (once per day)."""
    rng = random.Random(99)
    departure = datetime.now(VN).replace(hour=21, minute=0, second=0, microsecond=0)
    passengers = []
    for n in range(8):
        guest = demo_guest(rng, departure, 90, n)
        guest.pop("check_in_at")
        guest.pop("room")
        passengers.append(
            {**guest, "seat": f"A{n + 1}", "alighting_point": "Bến xe Liên tỉnh Đà Lạt"}
        )
    trip = {
        "plate": "60B-123.45",
        "origin_province": 75,
        "destination_province": 68,
        "departure_at": departure.isoformat(),
        "seats": 40,
        "crew": [{"full_name": "Nguyễn Văn Tài", "role": "driver"}],
        "passengers": passengers,
    }
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": f"demo-trip-{departure:%Y%m%d}",
    }
    for _ in range(40):  # the operator reaches ingest over Kafka within moments
        response = http.post(f"{base}/v1/trips", headers=headers, json=trip)
        if response.status_code != 404:
            break
        time.sleep(0.25)
    if response.status_code >= 400:
        raise SystemExit(f"seed: trip refused: {response.status_code} {response.text}")


def register_guests(http: httpx.Client, base: str, token: str, *, seed: int, count: int) -> int:
    rng = random.Random(seed)
    now = datetime.now(VN)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    headers = {"Authorization": f"Bearer {token}"}
    done = 0
    for n in range(count):
        arrival = day_start + timedelta(
            minutes=rng.randrange(max(1, int((now - day_start).total_seconds() // 60)))
        )
        guest = demo_guest(rng, arrival, seed, n)
        for _ in range(40):  # the facility reaches ingest over Kafka within moments
            response = http.post(f"{base}/v1/stays", headers=headers, json=guest)
            if response.status_code != 404:
                break
            time.sleep(0.25)
        if response.status_code >= 400:
            raise SystemExit(f"seed: guest {n} refused: {response.status_code} {response.text}")
        done += 1
    return done


def print_summary(args, state: dict, guests: int) -> None:
    print()
    print("luutru is running")
    print(f"  web console  {args.console}/")
    print(f"  accounts   {args.accounts}/docs")
    print(f"  ingest     {args.ingest}/docs")
    print(f"  analytics  {args.analytics}/docs   e.g. /v1/feeds/arrivals?date_from=…&date_to=…")
    print()
    print(f"Police admin (Công an tỉnh):  {ADMIN[0]} / {ADMIN[1]}")
    print("Facility managers (and the coach operator):")
    for f in state["facilities"]:
        print(f"  {f['code']}  {f['name']:<32} {f['username']} / {f['password']}")
    for name, role in state.get("users", {}).items():
        print(f"  {role:<20} {name} / {DEMO_MANAGER_PASSWORD}")
    print(f"Guests registered today: {guests}")


if __name__ == "__main__":
    main()
