import Testing

@testable import Basics

@Suite("Redaction")
struct RedactionTests {
    @Test("API keys in path, query and userinfo are masked; host and scheme stay")
    func providerURLs() {
        #expect(
            Redaction.url("https://arb-mainnet.g.alchemy.com/v2/AbCdEf0123456789xYz_AbCd")
                == "https://arb-mainnet.g.alchemy.com/v2/***")
        #expect(
            Redaction.url("https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef")
                == "https://mainnet.infura.io/v3/***")
        #expect(
            Redaction.url("https://rpc.example.org/?apikey=s3cr3t&x=1") == "https://rpc.example.org/?apikey=***&x=***")
        #expect(Redaction.url("http://user:pass@10.0.0.1:8545/") == "http://***@10.0.0.1:8545/")
        #expect(Redaction.url("http://127.0.0.1:8545") == "http://127.0.0.1:8545")
        #expect(Redaction.url("https://arb1.arbitrum.io/rpc") == "https://arb1.arbitrum.io/rpc")
    }

    @Test("free text: key-like runs go, words and short numbers stay")
    func freeText() {
        #expect(
            Redaction.maskKeyLikeRuns("failed at block 12345 key=0xabc123def4567890abc123def4567890")
                == "failed at block 12345 key=***")
    }
}

private struct SampleError: OperatorError {
    var code: ErrorCode { "sample.broken" }
    var title: String { "Sample is broken" }
    var detail: String { "line 3: expected a number" }
    var hint: String { "Fix line 3." }
    var category: ErrorCategory { .configuration }
}

private struct PlainError: Error {}

@Suite("ErrorReport")
struct ErrorReportTests {
    @Test("an operator error keeps its fields and maps its category to the exit code")
    func operatorError() {
        let r = ErrorReport(SampleError())
        #expect(r.code == "sample.broken")
        #expect(r.exitCode == 3)
        #expect(r.text == "error: Sample is broken\n  line 3: expected a number\n  hint: Fix line 3.")
        #expect(ErrorCode("sample.broken") ~= SampleError())
    }

    @Test("a foreign error is named by its type, not collapsed into 'unknown error'")
    func foreignError() {
        let r = ErrorReport(PlainError())
        #expect(r.code == .unclassified)
        #expect(r.title.contains("PlainError"))
        #expect(r.exitCode == 1)
    }

    @Test("exit codes of the categories are the documented ones")
    func exitCodes() {
        #expect(
            [ErrorCategory.usage, .configuration, .unreachable, .refused, .enclaveRefused].map(\.exitCode)
                == [2, 3, 4, 5, 6])
        #expect(ErrorCategory(rawValue: "refused").exitCode == 5)
    }
}

@Suite("JSONString")
struct JSONStringTests {
    @Test("quotes as Python's json.dumps(ensure_ascii=False) does")
    func matchesPython() {
        // python3 -c 'import json; print(json.dumps("a\"b\\c\n\x01\x1f\té", ensure_ascii=False))'
        #expect(JSONString.quoted("a\"b\\c\n\u{01}\u{1f}\té") == #""a\"b\\c\n\u0001\u001f\té""#)
    }
}
