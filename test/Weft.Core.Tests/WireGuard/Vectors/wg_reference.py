#!/usr/bin/env python3
"""An independent reference of the WireGuard handshake (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s).

Written from the WireGuard paper / protocol description only, with its own pure-Python X25519
(RFC 7748), ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305 (HChaCha20 + 12-byte nonce);
BLAKE2s and HMAC come from the Python standard library. From fixed static keys, ephemeral keys,
psk, sender indexes and TAI64N timestamp it prints, as C# constants, every intermediate chaining
key and hash, the initiation and response messages (with mac1), the transport keys, one transport
data packet, an initiation carrying mac2 from a fixed cookie, and a cookie reply.

Run:  python3 wg_reference.py      (its output is the body of ../HandshakeVectors.cs;
      ReferenceScriptTests runs it and checks the committed constants still match)
"""
import hashlib
import hmac
import struct

# ---------------------------------------------------------------- X25519 (RFC 7748)
P = 2**255 - 19
A24 = 121665


def clamp(k: bytes) -> bytes:
    b = bytearray(k)
    b[0] &= 248
    b[31] &= 127
    b[31] |= 64
    return bytes(b)


def x25519(k: bytes, u: bytes) -> bytes:
    k_int = int.from_bytes(clamp(k), "little")
    u_bytes = bytearray(u)
    u_bytes[31] &= 127
    x1 = int.from_bytes(u_bytes, "little")
    x2, z2, x3, z3 = 1, 0, x1, 1
    swap = 0
    for t in reversed(range(255)):
        kt = (k_int >> t) & 1
        swap ^= kt
        if swap:
            x2, x3 = x3, x2
            z2, z3 = z3, z2
        swap = kt
        a = (x2 + z2) % P
        aa = a * a % P
        b = (x2 - z2) % P
        bb = b * b % P
        e = (aa - bb) % P
        c = (x3 + z3) % P
        d = (x3 - z3) % P
        da = d * a % P
        cb = c * b % P
        x3 = (da + cb) ** 2 % P
        z3 = x1 * (da - cb) ** 2 % P
        x2 = aa * bb % P
        z2 = e * (aa + A24 * e) % P
    if swap:
        x2, x3 = x3, x2
        z2, z3 = z3, z2
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")


def public_key(private: bytes) -> bytes:
    return x25519(private, (9).to_bytes(32, "little"))


# ---------------------------------------------------------------- ChaCha20-Poly1305 (RFC 8439)
def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)


def rounds(s):
    for _ in range(10):
        quarter(s, 0, 4, 8, 12); quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15)
        quarter(s, 0, 5, 10, 15); quarter(s, 1, 6, 11, 12); quarter(s, 2, 7, 8, 13); quarter(s, 3, 4, 9, 14)


CONSTANTS = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]


def chacha_block(key: bytes, counter: int, nonce: bytes) -> bytes:
    state = CONSTANTS + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    working = list(state)
    rounds(working)
    return struct.pack("<16I", *[(working[i] + state[i]) & 0xFFFFFFFF for i in range(16)])


def chacha20(key: bytes, counter: int, nonce: bytes, data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 64):
        block = chacha_block(key, counter + i // 64, nonce)
        out += bytes(x ^ y for x, y in zip(data[i:i + 64], block))
    return bytes(out)


def poly1305(key: bytes, msg: bytes) -> bytes:
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        n = int.from_bytes(msg[i:i + 16] + b"\x01", "little")
        acc = (acc + n) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def pad16(b: bytes) -> bytes:
    return b"\x00" * ((16 - len(b) % 16) % 16)


def aead_seal_nonce(key: bytes, nonce12: bytes, plaintext: bytes, ad: bytes) -> bytes:
    otk = chacha_block(key, 0, nonce12)[:32]
    ct = chacha20(key, 1, nonce12, plaintext)
    mac_data = ad + pad16(ad) + ct + pad16(ct) + struct.pack("<QQ", len(ad), len(ct))
    return ct + poly1305(otk, mac_data)


def aead_seal(key: bytes, counter: int, plaintext: bytes, ad: bytes) -> bytes:
    return aead_seal_nonce(key, b"\x00" * 4 + struct.pack("<Q", counter), plaintext, ad)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    state = CONSTANTS + list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    rounds(state)
    return struct.pack("<8I", *(state[0:4] + state[12:16]))


def xaead_seal(key: bytes, nonce24: bytes, plaintext: bytes, ad: bytes) -> bytes:
    subkey = hchacha20(key, nonce24[:16])
    return aead_seal_nonce(subkey, b"\x00" * 4 + nonce24[16:], plaintext, ad)


# ---------------------------------------------------------------- self-test against published vectors
def self_test():
    # RFC 7748 section 5.2, first X25519 vector
    k = bytes.fromhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")
    u = bytes.fromhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")
    assert x25519(k, u).hex() == "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    # RFC 8439 section 2.8.2 AEAD vector (tag)
    key = bytes(range(0x80, 0xA0))
    nonce = bytes.fromhex("070000004041424344454647")
    ad = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
          b" sunscreen would be it.")
    assert aead_seal_nonce(key, nonce, pt, ad)[-16:].hex() == "1ae10b594f09e26a7e902ecbd0600691"
    # draft-irtf-cfrg-xchacha section 2.2.1 HChaCha20 vector
    assert hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927")).hex() == \
        "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"


self_test()


# ---------------------------------------------------------------- WireGuard primitives
def HASH(data: bytes) -> bytes:
    return hashlib.blake2s(data, digest_size=32).digest()


def MAC(key: bytes, data: bytes) -> bytes:
    return hashlib.blake2s(data, digest_size=16, key=key).digest()


def HMAC(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n: int, ck: bytes, data: bytes):
    t0 = HMAC(ck, data)
    out = []
    prev = b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"


def fixed(label: str) -> bytes:
    """32 reproducible bytes from a label (test inputs, not secrets)."""
    return hashlib.sha256(("weft wireguard vector " + label).encode()).digest()


# ---------------------------------------------------------------- fixed inputs
initiator_static = clamp(fixed("initiator static"))
responder_static = clamp(fixed("responder static"))
initiator_ephemeral = clamp(fixed("initiator ephemeral"))
responder_ephemeral = clamp(fixed("responder ephemeral"))
psk = fixed("preshared key")
initiator_index = 0x1A2B3C4D
responder_index = 0x99887766
timestamp = bytes.fromhex("400000006915c8e512345618")  # TAI64N: 2^62 + 10 + Unix seconds (BE), nanoseconds (BE; a multiple of 100)
transport_payload = bytes.fromhex("4500001c0000400040011c4c0a0000010a000002080077fa00010001") + b"weft!"
cookie = bytes(range(0x30, 0x40))  # a cookie the responder handed out earlier (16 bytes)
cookie_nonce = bytes(range(0xA0, 0xB8))  # 24 bytes

Si_pub = public_key(initiator_static)
Sr_pub = public_key(responder_static)
Ei_pub = public_key(initiator_ephemeral)
Er_pub = public_key(responder_ephemeral)

out = []


def emit(name: str, value):
    if isinstance(value, bytes):
        out.append(f'    internal const string {name} = "{value.hex()}";')
    else:
        out.append(f"    internal const uint {name} = 0x{value:08X};")


for n, v in [("InitiatorStaticPrivate", initiator_static), ("InitiatorStaticPublic", Si_pub),
             ("ResponderStaticPrivate", responder_static), ("ResponderStaticPublic", Sr_pub),
             ("InitiatorEphemeralPrivate", initiator_ephemeral), ("InitiatorEphemeralPublic", Ei_pub),
             ("ResponderEphemeralPrivate", responder_ephemeral), ("ResponderEphemeralPublic", Er_pub),
             ("PresharedKey", psk), ("InitiatorIndex", initiator_index), ("ResponderIndex", responder_index),
             ("Timestamp", timestamp), ("TransportPayload", transport_payload), ("CookieValue", cookie),
             ("CookieNonce", cookie_nonce)]:
    emit(n, v)

# ---------------------------------------------------------------- initiation (initiator side)
C = HASH(CONSTRUCTION)
H = HASH(C + IDENTIFIER)
emit("InitialChainingKey", C)
emit("InitialHash", H)
H = HASH(H + Sr_pub)
C = KDF(1, C, Ei_pub)[0]
H = HASH(H + Ei_pub)
C, k = KDF(2, C, x25519(initiator_ephemeral, Sr_pub))
encrypted_static = aead_seal(k, 0, Si_pub, H)
H = HASH(H + encrypted_static)
emit("InitiationAfterStaticChainingKey", C)
emit("InitiationAfterStaticHash", H)
C, k = KDF(2, C, x25519(initiator_static, Sr_pub))
encrypted_timestamp = aead_seal(k, 0, timestamp, H)
H = HASH(H + encrypted_timestamp)
emit("InitiationChainingKey", C)
emit("InitiationHash", H)

initiation = struct.pack("<I", 1) + struct.pack("<I", initiator_index) + Ei_pub + encrypted_static + encrypted_timestamp
mac1_key_responder = HASH(LABEL_MAC1 + Sr_pub)
initiation_mac1 = MAC(mac1_key_responder, initiation)
initiation_bytes = initiation + initiation_mac1 + b"\x00" * 16
assert len(initiation_bytes) == 148
emit("Initiation", initiation_bytes)

# The same initiation with mac2 computed from a cookie.
initiation_mac2 = MAC(cookie, initiation + initiation_mac1)
emit("InitiationWithCookie", initiation + initiation_mac1 + initiation_mac2)

# ---------------------------------------------------------------- response (responder side)
Cr, Hr = C, H  # the responder reaches the same state after consuming the initiation
Cr = KDF(1, Cr, Er_pub)[0]
Hr = HASH(Hr + Er_pub)
Cr = KDF(1, Cr, x25519(responder_ephemeral, Ei_pub))[0]
Cr = KDF(1, Cr, x25519(responder_ephemeral, Si_pub))[0]
Cr, tau, k = KDF(3, Cr, psk)
Hr = HASH(Hr + tau)
encrypted_nothing = aead_seal(k, 0, b"", Hr)
Hr = HASH(Hr + encrypted_nothing)
emit("ResponseChainingKey", Cr)
emit("ResponseHash", Hr)

response = struct.pack("<I", 2) + struct.pack("<I", responder_index) + struct.pack("<I", initiator_index) + Er_pub + encrypted_nothing
mac1_key_initiator = HASH(LABEL_MAC1 + Si_pub)
response_bytes = response + MAC(mac1_key_initiator, response) + b"\x00" * 16
assert len(response_bytes) == 92
emit("Response", response_bytes)

# ---------------------------------------------------------------- transport keys and one packet
initiator_send, initiator_receive = KDF(2, Cr, b"")
emit("InitiatorSendKey", initiator_send)
emit("InitiatorReceiveKey", initiator_receive)

padded = transport_payload + b"\x00" * ((16 - len(transport_payload) % 16) % 16)
counter = 0
transport = struct.pack("<I", 4) + struct.pack("<I", responder_index) + struct.pack("<Q", counter) + aead_seal(initiator_send, counter, padded, b"")
emit("TransportPacket", transport)
keepalive = struct.pack("<I", 4) + struct.pack("<I", initiator_index) + struct.pack("<Q", 0) + aead_seal(initiator_receive, 0, b"", b"")
emit("ResponderKeepalive", keepalive)

# ---------------------------------------------------------------- cookie reply (responder -> initiator)
cookie_key = HASH(LABEL_COOKIE + Sr_pub)
cookie_reply = struct.pack("<I", 3) + struct.pack("<I", initiator_index) + cookie_nonce + xaead_seal(cookie_key, cookie_nonce, cookie, initiation_mac1)
assert len(cookie_reply) == 64
emit("CookieReply", cookie_reply)

print("\n".join(out))
