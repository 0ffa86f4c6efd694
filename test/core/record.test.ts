import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { domainOf, parseAuthKind, parseTlsVersion, type TlsVersion } from "../../src/core/record.js";

const VERSIONS: [TlsVersion, string, string][] = [
  ["TLS1.0", "1", "0"],
  ["TLS1.1", "1", "1"],
  ["TLS1.2", "1", "2"],
  ["TLS1.3", "1", "3"],
];

/** Every documented way of writing TLS major.minor, built from its digits. */
function spellings(major: string, minor: string): string[] {
  return [
    `TLS${major}.${minor}`, `TLSv${major}.${minor}`, `TLS ${major}.${minor}`, `Tls${major}${minor}`, `${major}.${minor}`,
    `TLS${major}_${minor}`, `SP_PROT_TLS${major}_${minor}_SERVER`, `SP_PROT-TLS${major}_${minor}_CLIENT`, `tls_${major}_${minor}`,
    // "v tolerated": a bare version with its v, as some exports write it.
    `v${major}.${minor}`, `V ${major}.${minor}`,
  ];
}

describe("TLS spellings", () => {
  it("reads every documented spelling of every version, in any case", () => {
    const cases = VERSIONS.flatMap(([version, major, minor]) => spellings(major, minor).map((s) => [s, version] as const));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.constantFrom("", " ", "  "), ([spelling, version], upper, pad) => {
        const cased = [...spelling].map((ch, i) => (upper[i % upper.length] ? ch.toUpperCase() : ch.toLowerCase())).join("");
        expect(parseTlsVersion(pad + cased + pad)).toBe(version);
      }),
    );
  });

  it("reads OpenSSL's short names, SSL and the words for no TLS", () => {
    expect(parseTlsVersion("TLSv1")).toBe("TLS1.0");
    expect(parseTlsVersion("TLS1")).toBe("TLS1.0");
    expect(parseTlsVersion("SSLv3")).toBe("SSL3");
    expect(parseTlsVersion("SSL3")).toBe("SSL3");
    expect(parseTlsVersion("SSLv2")).toBe("SSL2");
    for (const word of ["none", "no", "plaintext", "None", "false", "NONE"]) expect(parseTlsVersion(word)).toBe("none");
    expect(parseTlsVersion("")).toBe("unknown");
    expect(parseTlsVersion("unknown")).toBe("unknown");
  });

  it("does not guess at other text", () => {
    for (const odd of ["TLS9", "QUIC", "1.4", "yes", "TLS1.2.3", "DTLS"]) expect(parseTlsVersion(odd)).toBeUndefined();
  });
});

describe("auth mechanisms", () => {
  it("maps SASL mechanisms and protocol names to basic, oauth or unknown", () => {
    for (const m of ["LOGIN", "PLAIN", "CRAM-MD5", "DIGEST-MD5", "NTLM", "Basic", "login", "cram_md5"]) expect(parseAuthKind(m)).toBe("basic");
    for (const m of ["XOAUTH2", "OAUTHBEARER", "OAuth", "xoauth2"]) expect(parseAuthKind(m)).toBe("oauth");
    for (const m of ["", "GSSAPI", "EXTERNAL", "kerberos"]) expect(parseAuthKind(m)).toBe("unknown");
  });
});

describe("domain", () => {
  it("is the part after the last @", () => {
    expect(domainOf("a@b.example")).toBe("b.example");
    expect(domainOf('"odd@name"@c.example')).toBe("c.example");
    expect(domainOf("printer01")).toBe("");
  });
});
