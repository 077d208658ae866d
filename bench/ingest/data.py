"""Realistic guests for the ingest benchmark: Vietnamese names with diacritics, IDs whose
digits agree with birth year and gender, about 10% foreign guests with passports and visas."""

from __future__ import annotations

import random
from datetime import date, timedelta

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "male": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công"],
    "female": ["Thị", "Ngọc", "Thanh", "Thu", "Mỹ", "Bảo"],
}
GIVEN = {
    "male": [
        "An",
        "Bình",
        "Dũng",
        "Hùng",
        "Khoa",
        "Long",
        "Nam",
        "Phúc",
        "Quân",
        "Sơn",
        "Tài",
        "Tuấn",
        "Việt",
        "Lộc",
        "Đạt",
    ],
    "female": [
        "Anh",
        "Châu",
        "Giang",
        "Hằng",
        "Lan",
        "Linh",
        "Mai",
        "Ngân",
        "Oanh",
        "Thảo",
        "Trang",
        "Uyên",
        "Vy",
        "Yến",
        "Ánh",
    ],
}
FOREIGN = [
    ("KOR", ["Kim Min-jun", "Lee Seo-yeon", "Park Ji-ho"]),
    ("CHN", ["Wang Wei", "Li Na", "Zhang Wei"]),
    ("USA", ["John Smith", "Emily Johnson", "Michael Brown"]),
    ("JPN", ["Sato Haruto", "Suzuki Yui"]),
    ("FRA", ["Léa Dubois", "Hugo Martin"]),
    ("AUS", ["Olivia Wilson", "Jack Taylor"]),
]
PROVINCES = ["001", "031", "048", "075", "079", "070", "074", "092", "038", "040"]
FACILITY_MIX = [
    ("hotel", 0.35),
    ("motel", 0.25),
    ("boarding_house", 0.15),
    ("homestay", 0.1),
    ("rental_housing", 0.1),
    ("medical", 0.05),
]


def facility_types(n: int, rng: random.Random) -> list[str]:
    kinds, weights = zip(*FACILITY_MIX, strict=True)
    return rng.choices(kinds, weights, k=n)


def guest(rng: random.Random, serial: int, day: date) -> dict:
    arrival = f"{day.isoformat()}T{rng.randrange(12, 23):02d}:{rng.randrange(60):02d}:00+07:00"
    stay = {
        "room": str(rng.randrange(101, 520)),
        "reason": rng.choice(["Du lịch", "Công tác", "Thăm người thân"]),
        "check_in_at": arrival,
        "expected_check_out": (day + timedelta(days=rng.randrange(1, 5))).isoformat(),
    }
    born = date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
    if rng.random() < 0.10:
        nationality, names = rng.choice(FOREIGN)
        return {
            "full_name": rng.choice(names),
            "date_of_birth": born.isoformat(),
            "gender": rng.choice(["male", "female"]),
            "passport_number": f"{chr(65 + serial % 26)}{serial:08d}",
            "nationality": nationality,
            "visa_type": rng.choice(["DL", "DN1", "exempt"]),
            "visa_number": f"V{serial:07d}",
            "entry_date": (day - timedelta(days=rng.randrange(0, 10))).isoformat(),
            "entry_port": rng.choice(["Tân Sơn Nhất", "Nội Bài", "Mộc Bài"]),
            **stay,
        }
    gender = rng.choice(["male", "female"])
    century_digit = (born.year // 100 - 19) * 2 + (gender == "female")
    id_number = f"{rng.choice(PROVINCES)}{century_digit}{born.year % 100:02d}{serial % 10**6:06d}"
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
    return {
        "full_name": name,
        "date_of_birth": born.isoformat(),
        "gender": gender,
        "id_number": id_number,
        **stay,
    }
