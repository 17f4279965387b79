"""Request-body parsing as the real generator client does it (actix-web `web::Json` + serde + `validator`,
kalypso-unified `generator_client/src/model.rs`): a body that does not deserialise is a plain-text 400
("Json deserialize error: …"); a body that deserialises but fails validation is the JSON envelope
"Invalid payload" whose data lists "field: message" lines.

serde's messages are reproduced without the " at line L column C" suffix.
"""
from __future__ import annotations

from dataclasses import dataclass

I32_MIN, I32_MAX = -(2**31), 2**31 - 1


class DeserializeError(Exception):
    """serde rejected the body; the text is what actix puts after "Json deserialize error: "."""


# Type descriptors: "str", "i32", ("list", T), ("map", T), Struct.
@dataclass(frozen=True)
class Field:
    name: str
    kind: object
    optional: bool = True


@dataclass(frozen=True)
class Struct:
    name: str
    fields: tuple[Field, ...]


def _unexpected(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{'true' if value else 'false'}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, list):
        return "sequence"
    return "map"


def _expected(kind) -> str:
    if kind == "str":
        return "a string"
    if kind == "i32":
        return "i32"
    if isinstance(kind, tuple):
        return "a sequence" if kind[0] == "list" else "a map"
    return f"struct {kind.name}"


def deserialize(value, kind):
    """Checks `value` (from json.loads) against `kind` like serde would; returns it with absent optionals as None."""
    if kind == "str":
        if not isinstance(value, str):
            raise DeserializeError(f"invalid type: {_unexpected(value)}, expected a string")
        return value
    if kind == "i32":
        if isinstance(value, bool) or not isinstance(value, int):
            raise DeserializeError(f"invalid type: {_unexpected(value)}, expected i32")
        if not I32_MIN <= value <= I32_MAX:
            raise DeserializeError(f"invalid value: integer `{value}`, expected i32")
        return value
    if isinstance(kind, tuple):
        container, inner = kind
        if container == "list":
            if not isinstance(value, list):
                raise DeserializeError(f"invalid type: {_unexpected(value)}, expected a sequence")
            return [deserialize(v, inner) for v in value]
        if not isinstance(value, dict):
            raise DeserializeError(f"invalid type: {_unexpected(value)}, expected a map")
        return {k: deserialize(v, inner) for k, v in value.items()}
    assert isinstance(kind, Struct)
    if not isinstance(value, dict):
        raise DeserializeError(f"invalid type: {_unexpected(value)}, expected struct {kind.name}")
    out = {}
    for field in kind.fields:
        present = field.name in value
        raw = value.get(field.name)
        if field.optional:
            out[field.name] = None if raw is None else deserialize(raw, field.kind)
        elif not present:
            raise DeserializeError(f"missing field `{field.name}`")
        else:
            out[field.name] = deserialize(raw, field.kind)
    return out


MARKET_DETAILS = Struct("MarketDetails", (Field("port", "str", False), Field("ivs_url", "str", False)))
SUPERVISORD_INPUT = Struct("SupervisordInputBody", (Field("program_name", "str"),))
SETUP_GENERATOR = Struct("SetupRequestBodyGeneratorConfig", (
    Field("address", "str"), Field("data", "str"), Field("supported_markets", ("list", "str"))))
RUNTIME_FIELDS_STR = ("ws_url", "http_url", "private_key", "proof_market_place", "generator_registry")
TOKEN_FIELDS = ("payment_token", "staking_token", "attestation_verifier", "entity_registry")
SETUP_RUNTIME = Struct("SetupRequestBodyRuntimeConfig", (
    *(Field(n, "str") for n in RUNTIME_FIELDS_STR),
    Field("start_block", "i32"), Field("chain_id", "i32"),
    *(Field(n, "str") for n in TOKEN_FIELDS),
    Field("markets", ("map", MARKET_DETAILS), optional=False)))
SETUP_BODY = Struct("GeneratorConfigSetupRequestBody", (
    Field("generator_config", ("list", SETUP_GENERATOR)), Field("runtime_config", SETUP_RUNTIME)))
UPDATE_RUNTIME = Struct("UpdateRuntimeConfig", (
    *(Field(n, "str") for n in RUNTIME_FIELDS_STR),
    Field("start_block", "i32"), Field("chain_id", "i32"),
    *(Field(n, "str") for n in TOKEN_FIELDS),
    Field("markets", ("map", MARKET_DETAILS))))
UPDATE_GENERATOR = Struct("UpdateGeneratorConfig", (
    Field("address", "str"), Field("data", "str"), Field("supported_markets", ("list", "str"))))
GET_PUBLIC_KEYS = Struct("GetGeneratorPublicKeys", (Field("generator_address", "str"),))
SIGN_ADDRESS = Struct("SignAddress", (Field("address", "str"),))
SIGN_ATTESTATION = Struct("SignAttestation", (Field("attestation", "str"), Field("address", "str")))


# validator rules: (field, rule, argument, message), checked in declaration order.
def _errors(body: dict, rules) -> str | None:
    lines: dict[str, list[str]] = {}
    for field, rule, arg, message in rules:
        value = body.get(field)
        failed = False
        if rule == "required":
            failed = value is None
        elif rule == "contains":
            failed = value is not None and arg not in value
        elif rule == "min":
            failed = value is not None and value < arg
        if failed:
            lines.setdefault(field, []).append(message)
    if not lines:
        return None
    return "\n".join(f"{field}: {', '.join(msgs)}" for field, msgs in lines.items())


SUPERVISORD_RULES = [("program_name", "required", None, "program_name was not provided in the JSON body")]
SETUP_BODY_RULES = [
    ("generator_config", "required", None, "generator_config was not provided in the JSON body"),
    ("runtime_config", "required", None, "runtime_config was not provided in the JSON body"),
]
SETUP_GENERATOR_RULES = [
    ("address", "contains", "0x", "The address should start with 0x"),
    ("address", "required", None, "address was not provided in the generator details."),
    ("data", "required", None, "data was not provided in the generator details."),
    ("supported_markets", "required", None, "supported_markets was not provided in the generator details."),
]
SETUP_RUNTIME_RULES = [
    ("ws_url", "required", None, "A valid wss rpc url (ws_url) was not provided in the runtime_config"),
    ("ws_url", "contains", "wss", "wss url is required"),
    ("http_url", "required", None, "A valid http rpc url (http_url) was not provided in the runtime_config"),
    # sic: the real model.rs gives the http_url check the ws_url message.
    ("http_url", "contains", "http", "wss url is required"),
    ("private_key", "required", None, "private_key was not provided in the runtime_config"),
    ("proof_market_place", "required", None, "proof_market_place was not provided in the runtime_config"),
    ("generator_registry", "required", None, "generator_registry was not provided in the runtime_config"),
    ("start_block", "min", 1, "Block number should be at least 1"),
    ("start_block", "required", None, "start_block was not provided in the runtime_config"),
    ("chain_id", "min", 1, "Chain ID should be at least 1"),
    ("chain_id", "required", None, "chain_id was not provided in the runtime_config"),
    ("staking_token", "required", None, "staking_token was not provided in the runtime_config"),
    ("attestation_verifier", "required", None, "attestation_verifier was not provided in the runtime_config"),
    ("entity_registry", "required", None, "entity_registry was not provided in the runtime_config"),
]
UPDATE_RUNTIME_RULES = [
    ("ws_url", "contains", "wss", "wss url is required"),
    ("http_url", "contains", "http", "http url is required"),
]
UPDATE_GENERATOR_RULES = [
    ("address", "contains", "0x", "The address should start with 0x"),
    ("address", "required", None, "address was not provided in the JSON body"),
]
GET_PUBLIC_KEYS_RULES = [
    ("generator_address", "contains", "0x", "The address should start with 0x"),
    ("generator_address", "required", None, "generator_address was not provided in the JSON body"),
]
SIGN_ADDRESS_RULES = [("address", "required", None, "address was not provided in the JSON body")]
SIGN_ATTESTATION_RULES = [
    ("attestation", "required", None, "attestation bytes were not provided in the JSON body"),
    ("address", "required", None, "address was not provided in the JSON body"),
]


def validate(body: dict, rules) -> str | None:
    """The validator crate's error text for `body`, or None when it is valid."""
    return _errors(body, rules)
