"""Whose X-Forwarded-For is believed (luutru_common.forwarded)."""

from __future__ import annotations

import pytest

from luutru_common.forwarded import client_address, parse_networks

TRUSTED = parse_networks("172.28.0.10,172.28.0.1,10.244.0.0/16")


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("203.0.113.66", "198.51.100.7", "203.0.113.66"),  # an untrusted peer's header
        ("172.28.0.10", "198.51.100.7", "198.51.100.7"),  # the console's
        ("172.28.0.10", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged first hop
        ("172.28.0.10", "198.51.100.7, 10.244.3.4", "198.51.100.7"),  # through two proxies
        ("172.28.0.10", None, "172.28.0.10"),
        ("172.28.0.10", "not-an-address", "172.28.0.10"),
    ],
)
def test_the_rightmost_untrusted_hop_is_the_client(peer, header, client):
    assert client_address(peer, header, TRUSTED) == client
