"""The Kafka administration of infra/local.sh in one client: list the topics, create those of
infra/topics.txt that are missing, grant (and revoke) the ACLs of infra/kafka-acls.txt.

    python infra/kafka_admin.py --bootstrap HOST:PORT --ca CA.pem --user NAME list
    python infra/kafka_admin.py ... topics TOPICS_FILE
    python infra/kafka_admin.py ... acls ACL_FILE [--revoke PREVIOUS_ACL_FILE]

Kafka's own command-line tools take one topic, or one ACL line, per JVM: 27 JVM starts for the
local broker's ten topics and seventeen ACL lines, 37 s on a quiet 2-core machine and up to
three minutes on a loaded one. Here each is one request (the project's own Kafka client, the
admin user's SCRAM login over TLS). Both are idempotent: an existing topic, or an ACL granted
already, is left as it is. Exit status 0 on success, 1 with the broker's reasons otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    CreateAclsRequestStruct,
    DeleteAclsRequest_v1,
    DeleteAclsRequestStruct,
)
from aiokafka.protocol.api import Request

from luutru_common.kafka_access import KafkaAccess

# Kafka's wire codes (org.apache.kafka.common.resource / acl); only what the ACL files use.
RESOURCE_TYPES = {"topic": 2, "group": 3}
PATTERN_TYPES = {"literal": 3, "prefixed": 4}
OPERATIONS = {
    "All": 2,
    "Read": 3,
    "Write": 4,
    "Create": 5,
    "Delete": 6,
    "Alter": 7,
    "Describe": 8,
    "DescribeConfigs": 10,
    "AlterConfigs": 11,
}
ALLOW = 3
ANY_HOST = "*"
TOPIC_ALREADY_EXISTS = 36


class SetupError(Exception):
    """What the broker refused, or a bad line in a file: printed, exit status 1."""


@dataclass(frozen=True)
class Acl:
    """One allowed operation of one principal on one resource pattern, from any host."""

    principal: str
    resource_type: int
    resource_name: str
    pattern_type: int
    operation: int

    def wire(self) -> tuple:
        """The fields of a CreateAcls creation, and of a DeleteAcls filter matching only it
        (both v1, the oldest version Kafka 4 still serves)."""
        return (
            self.resource_type,
            self.resource_name,
            self.pattern_type,
            f"User:{self.principal}",
            ANY_HOST,
            self.operation,
            ALLOW,
        )


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The (line number, columns) of a whitespace-separated file, without comments."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        columns = line.split("#", 1)[0].split()
        if columns:
            rows.append((number, columns))
    return rows


def read_topics(path: Path) -> list[NewTopic]:
    """infra/topics.txt: name, partitions, cleanup.policy (replication factor 1 locally)."""
    topics = []
    for number, columns in read_rows(path):
        if len(columns) != 3 or not columns[1].isdigit():
            raise SetupError(f"{path}:{number}: expected 'name partitions cleanup.policy'")
        name, partitions, policy = columns
        topics.append(NewTopic(name, int(partitions), 1, topic_configs={"cleanup.policy": policy}))
    return topics


def read_acls(path: Path) -> list[Acl]:
    """infra/kafka-acls.txt: principal, resource, pattern, name, comma-separated operations."""
    acls = []
    for number, columns in read_rows(path):
        if len(columns) != 5:
            raise SetupError(f"{path}:{number}: expected 'principal resource pattern name ops'")
        principal, resource, pattern, name, operations = columns
        if resource not in RESOURCE_TYPES or pattern not in PATTERN_TYPES:
            raise SetupError(f"{path}:{number}: resource topic|group, pattern literal|prefixed")
        for operation in operations.split(","):
            if operation not in OPERATIONS:
                raise SetupError(f"{path}:{number}: unknown operation {operation!r}")
            acls.append(
                Acl(
                    principal,
                    RESOURCE_TYPES[resource],
                    name,
                    PATTERN_TYPES[pattern],
                    OPERATIONS[operation],
                )
            )
    return acls


class CreateAcls(Request[CreateAclsRequestStruct]):
    """All the ACLs in one request (aiokafka's own builder sends one ACL a request)."""

    API_KEY: ClassVar[int] = 30
    _CLASSES = (CreateAclsRequest_v1,)

    def __init__(self, acls: list[Acl]):
        self.acls = acls

    def build(self, request_struct_class):
        return request_struct_class([acl.wire() for acl in self.acls])


class DeleteAcls(Request[DeleteAclsRequestStruct]):
    """Filters each matching exactly one ACL, in one request."""

    API_KEY: ClassVar[int] = 31
    _CLASSES = (DeleteAclsRequest_v1,)

    def __init__(self, acls: list[Acl]):
        self.acls = acls

    def build(self, request_struct_class):
        return request_struct_class([acl.wire() for acl in self.acls])


def refusals(results: list, what: list[str]) -> list[str]:
    """'what: why' for each result with a non-zero error code (results in request order)."""
    return [
        f"{label}: error {code} {message or ''}".rstrip()
        for label, (code, message, *_rest) in zip(what, results, strict=True)
        if code != 0
    ]


def describe(acl: Acl) -> str:
    return f"{acl.principal} {acl.resource_name} operation {acl.operation}"


async def create_topics(admin: AIOKafkaAdminClient, path: Path) -> None:
    wanted = read_topics(path)
    existing = set(await admin.list_topics())
    missing = [topic for topic in wanted if topic.name not in existing]
    if not missing:
        print(f"all {len(wanted)} topics exist")
        return
    response = await admin.create_topics(missing)
    failed = [
        f"{topic}: error {code} {message or ''}".rstrip()
        for topic, code, message in response.topic_errors
        if code not in (0, TOPIC_ALREADY_EXISTS)  # made meanwhile by someone else: fine
    ]
    if failed:
        raise SetupError("creating topics failed: " + "; ".join(failed))
    print("created " + " ".join(topic.name for topic in missing))


async def apply_acls(admin: AIOKafkaAdminClient, path: Path, revoke: Path | None) -> None:
    # aiokafka's admin client has no ACL calls; its _send_request sends our requests to a
    # broker (which forwards them to the controller), after the version negotiation.
    grant = read_acls(path)
    if revoke is not None:
        # Those of the previously applied file no longer granted: a line taken out is revoked.
        granted = set(grant)
        gone = [acl for acl in read_acls(revoke) if acl not in granted]
        if gone:
            response = await admin._send_request(DeleteAcls(gone))
            failed = refusals(response.filter_responses, [describe(a) for a in gone])
            if failed:
                raise SetupError("revoking ACLs failed: " + "; ".join(failed))
            print(f"revoked {len(gone)} ACLs")
    response = await admin._send_request(CreateAcls(grant))
    failed = refusals(response.creation_responses, [describe(a) for a in grant])
    if failed:
        raise SetupError("granting ACLs failed: " + "; ".join(failed))
    print(f"granted {len(grant)} ACLs")


async def main(args: argparse.Namespace) -> None:
    access = KafkaAccess(
        bootstrap=args.bootstrap, username=args.user, password=args.user, ca_file=args.ca
    )
    admin = AIOKafkaAdminClient(**access.client_options(), request_timeout_ms=30_000)
    await admin.start()
    try:
        if args.command == "list":
            print("\n".join(sorted(await admin.list_topics())))
        elif args.command == "topics":
            await create_topics(admin, args.file)
        else:
            await apply_acls(admin, args.file, args.revoke)
    finally:
        await admin.close()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--ca", required=True, help="the local CA that signed the broker")
    parser.add_argument("--user", required=True, help="the SCRAM admin user (password = name)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the topics, one a line")
    commands.add_parser("topics", help="create the missing topics").add_argument("file", type=Path)
    acls = commands.add_parser("acls", help="grant the ACLs of a file")
    acls.add_argument("file", type=Path)
    acls.add_argument("--revoke", type=Path, help="revoke what this older file granted")
    return parser.parse_args(argv)


if __name__ == "__main__":
    try:
        asyncio.run(main(parse(sys.argv[1:])))
    except SetupError as error:
        print(f"[infra] ERROR: {error}", file=sys.stderr)
        sys.exit(1)
