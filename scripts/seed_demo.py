"""Demo data through the public APIs: a few Đồng Nai facilities and a day of guests.

Idempotent: facilities created once are remembered in .local/demo.json; guests are registered
with the same documents and arrival day, which ingest deduplicates by natural key.
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
# accounts makes every new manager change the one-time password at first login; the demo
# managers all get this one, so the printed credentials stay usable.
DEMO_MANAGER_PASSWORD = "QuanLy-Demo-2026!"

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
]

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
    parser.add_argument("--guests-per-facility", type=int, default=12)
    args = parser.parse_args()

    with httpx.Client(timeout=10) as http:
        admin = login(http, args.accounts, *ADMIN)
        state = ensure_facilities(http, args.accounts, admin)
        total = 0
        for i, facility in enumerate(state["facilities"]):
            token = manager_login(http, args.accounts, facility)
            # Saved at once: a password changed now must not be lost if a later step fails.
            STATE.write_text(json.dumps(state, ensure_ascii=False, indent=2))
            total += register_guests(
                http, args.ingest, token, seed=i, count=args.guests_per_facility
            )
    STATE.write_text(json.dumps(state, ensure_ascii=False, indent=2))
    print_summary(args, state, total)


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


def ensure_facilities(http: httpx.Client, base: str, admin: str) -> dict:
    headers = {"Authorization": f"Bearer {admin}"}
    if STATE.exists():
        state = json.loads(STATE.read_text())
        if all(
            http.get(f"{base}/v1/facilities/{f['id']}", headers=headers).status_code == 200
            for f in state["facilities"]
        ):
            return state
    created = []
    for spec in FACILITIES:
        response = http.post(
            f"{base}/v1/facilities", headers=headers, json={**spec, "province_code": 75}
        )
        response.raise_for_status()
        body = response.json()
        created.append(
            {
                "id": body["facility"]["id"],
                "code": body["facility"]["code"],
                "name": spec["name"],
                "facility_type": spec["facility_type"],
                "username": body["manager"]["username"],
                "password": body["manager"]["one_time_password"],
            }
        )
    state = {"facilities": created}
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state, ensure_ascii=False, indent=2))
    return state


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
            doc = {"id_number": f"075{century + int(female)}{born.year % 100:02d}{seed:02d}{n:04d}"}
        guest = {
            "full_name": name,
            "date_of_birth": born.date().isoformat(),
            "gender": "female" if female else "male",
            "check_in_at": arrival.isoformat(),
            "room": str(100 + n),
            **doc,
        }
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
    print(f"  accounts   {args.accounts}/docs")
    print(f"  ingest     {args.ingest}/docs")
    print(f"  analytics  {args.analytics}/docs   e.g. /v1/feeds/arrivals?date_from=…&date_to=…")
    print()
    print(f"Police admin (Công an tỉnh):  {ADMIN[0]} / {ADMIN[1]}")
    print("Facility managers:")
    for f in state["facilities"]:
        print(f"  {f['code']}  {f['name']:<32} {f['username']} / {f['password']}")
    print(f"Guests registered today: {guests}")


if __name__ == "__main__":
    main()
