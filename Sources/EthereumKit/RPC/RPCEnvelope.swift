import BigInt

/// JSON-RPC 2.0 framing: request objects out, answers (single or batch) in.
enum RPCEnvelope {
    static func request(id: Int, _ call: RPCCall) -> RPCValue {
        .object([
            "jsonrpc": .string("2.0"), "id": .int(id), "method": .string(call.method), "params": .array(call.params),
        ])
    }

    /// Statuses with which a node says "no batches here" (rather than "try later").
    static let batchRefusalStatuses: Set<Int> = [400, 405, 413, 415, 422, 501]

    static func parseBody(_ reply: RPCHTTPReply) -> RPCValue? {
        guard let text = String(validating: reply.body, as: UTF8.self) else { return nil }
        return try? RPCValue.parse(text)  // the caller reports the body itself, which says more than the position
    }

    static func bodyExcerpt(_ reply: RPCHTTPReply) -> String {
        let text = String(decoding: reply.body.prefix(160), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        if text.isEmpty { return "an empty body" }
        return "\"" + text + (reply.body.count > 160 ? "…" : "") + "\""
    }

    static func rateLimited(_ reply: RPCHTTPReply, method: String, endpoint: String) -> RPCError {
        RPCError(
            code: .rpcRateLimited, method: method, endpoint: endpoint, message: "too many requests",
            httpStatus: reply.status, retryAfter: reply.retryAfter)
    }

    static func httpError(_ reply: RPCHTTPReply, method: String, endpoint: String) -> RPCError {
        RPCError(
            code: .rpcHTTPStatus, method: method, endpoint: endpoint, message: "answer \(bodyExcerpt(reply))",
            httpStatus: reply.status)
    }

    /// The answer to one request object.
    static func decodeSingle(
        _ reply: RPCHTTPReply, method: String, endpoint: String, id: Int, decoder: (any RevertDecoding)?
    ) -> Result<RPCValue, RPCError> {
        if reply.status == 429 { return .failure(rateLimited(reply, method: method, endpoint: endpoint)) }
        guard let value = parseBody(reply) else {
            if reply.status != 200 { return .failure(httpError(reply, method: method, endpoint: endpoint)) }
            return .failure(
                RPCError(
                    code: .rpcMalformedResponse, method: method, endpoint: endpoint,
                    message: "the answer is not JSON: \(bodyExcerpt(reply))"))
        }
        guard case .object = value, value["result"] != nil || value["error"] != nil else {
            if reply.status != 200 { return .failure(httpError(reply, method: method, endpoint: endpoint)) }
            return .failure(
                RPCError(
                    code: .rpcMalformedResponse, method: method, endpoint: endpoint,
                    message: "the answer is not a JSON-RPC response: \(value.excerpt)"))
        }
        return item(
            value, method: method, endpoint: endpoint, expectedId: id, retryAfter: reply.retryAfter, decoder: decoder)
    }

    /// One response object: its result, or its error mapped to an operator's terms.
    static func item(
        _ value: RPCValue, method: String, endpoint: String, expectedId: Int?, retryAfter: Duration?,
        decoder: (any RevertDecoding)?
    ) -> Result<RPCValue, RPCError> {
        if let error = value["error"], !error.isNull {
            guard case .number(let codeText)? = error["code"], let code = Int(codeText) else {
                return .failure(
                    RPCError(
                        code: .rpcMalformedResponse, method: method, endpoint: endpoint,
                        message: "an error without a numeric code: \(error.excerpt)"))
            }
            var message = ""
            if case .string(let m)? = error["message"] { message = m }
            let mapped = RPCError.fromNode(
                method: method, endpoint: endpoint, code: code, message: message, data: error["data"], decoder: decoder)
            if mapped.code == .rpcRateLimited, let retryAfter {
                return .failure(
                    RPCError(
                        code: .rpcRateLimited, method: method, endpoint: endpoint, message: message, rpcCode: code,
                        retryAfter: retryAfter))
            }
            return .failure(mapped)
        }
        if let expectedId, let id = value["id"], id != .int(expectedId) {
            return .failure(
                RPCError(
                    code: .rpcMalformedResponse, method: method, endpoint: endpoint,
                    message: "the answer is for request id \(id.excerpt), not \(expectedId)"))
        }
        guard let result = value["result"] else {
            return .failure(
                RPCError(
                    code: .rpcMalformedResponse, method: method, endpoint: endpoint,
                    message: "the answer has neither result nor error: \(value.excerpt)"))
        }
        return .success(result)
    }

    enum BatchDecoding {
        case items([Result<RPCValue, RPCError>])
        case rejected
        case failed(RPCError)
    }

    /// The answer to a batch: each request's answer matched by id, or a sign the node takes no batches.
    static func decodeBatch(
        _ reply: RPCHTTPReply, calls: [RPCCall], ids: [Int], endpoint: String, decoder: (any RevertDecoding)?
    ) -> BatchDecoding {
        if reply.status == 429 { return .failed(rateLimited(reply, method: "batch", endpoint: endpoint)) }
        guard let value = parseBody(reply) else {
            if batchRefusalStatuses.contains(reply.status) { return .rejected }
            if reply.status != 200 { return .failed(httpError(reply, method: "batch", endpoint: endpoint)) }
            return .failed(
                RPCError(
                    code: .rpcMalformedResponse, method: "batch", endpoint: endpoint,
                    message: "the answer is not JSON: \(bodyExcerpt(reply))"))
        }
        guard case .array(let answers) = value else {
            // One error object for a whole batch: the node does not take batches, unless it is throttling us.
            if case .object = value, let error = value["error"] {
                if case .number(let c)? = error["code"], c == "-32005" || c == "429" {
                    return .failed(
                        RPCError(
                            code: .rpcRateLimited, method: "batch", endpoint: endpoint,
                            message: "limit exceeded", rpcCode: Int(c), retryAfter: reply.retryAfter))
                }
                return .rejected
            }
            if batchRefusalStatuses.contains(reply.status) { return .rejected }
            if reply.status != 200 { return .failed(httpError(reply, method: "batch", endpoint: endpoint)) }
            return .failed(
                RPCError(
                    code: .rpcMalformedResponse, method: "batch", endpoint: endpoint,
                    message: "a batch was answered with \(value.typeName), not an array: \(value.excerpt)"))
        }
        var byId: [Int: RPCValue] = [:]
        for answer in answers {
            if case .number(let text)? = answer["id"], let id = Int(text) { byId[id] = answer }
        }
        let items = zip(calls, ids).map { call, id -> Result<RPCValue, RPCError> in
            guard let answer = byId[id] else {
                return .failure(
                    RPCError(
                        code: .rpcMalformedResponse, method: call.method, endpoint: endpoint,
                        message: "the batch answer has no response for this request (id \(id))"))
            }
            return item(
                answer, method: call.method, endpoint: endpoint, expectedId: nil, retryAfter: reply.retryAfter,
                decoder: decoder)
        }
        return .items(items)
    }
}

/// Strict readers for values in node answers: a wrong shape is an error naming the method and field.
public enum RPCDecode {
    static func malformed(_ method: String, _ field: String, _ endpoint: String, _ problem: String) -> RPCError {
        RPCError(
            code: .rpcMalformedResponse, method: method, endpoint: endpoint, message: "\(field): \(problem)")
    }

    static func string(_ value: RPCValue?, method: String, field: String, endpoint: String) throws(RPCError)
        -> String
    {
        guard case .string(let s)? = value else {
            throw malformed(method, field, endpoint, "expected a hex string, found \(value?.excerpt ?? "nothing")")
        }
        return s
    }

    /// A QUANTITY: `0x` + hex digits, no leading zeros, at most 256 bits.
    public static func quantity(_ value: RPCValue?, method: String, field: String, endpoint: String = "")
        throws(RPCError) -> BigUInt
    {
        let s = try string(value, method: method, field: field, endpoint: endpoint)
        do { return try Quantity.parse(s, strict: true) } catch {
            throw malformed(method, field, endpoint, "\(error)")
        }
    }

    public static func uint64(_ value: RPCValue?, method: String, field: String, endpoint: String = "")
        throws(RPCError) -> UInt64
    {
        let s = try string(value, method: method, field: field, endpoint: endpoint)
        do { return try Quantity.parseUInt64(s, strict: true) } catch {
            throw malformed(method, field, endpoint, "\(error)")
        }
    }

    /// DATA: `0x` + an even number of hex digits; `length` when the size is fixed (hashes: 32).
    public static func data(
        _ value: RPCValue?, method: String, field: String, endpoint: String = "", length: Int? = nil
    )
        throws(RPCError) -> [UInt8]
    {
        let s = try string(value, method: method, field: field, endpoint: endpoint)
        let bytes: [UInt8]
        do { bytes = try Hex.decode(s, requirePrefix: true) } catch {
            throw malformed(method, field, endpoint, "\(error)")
        }
        if let length, bytes.count != length {
            throw malformed(method, field, endpoint, "expected \(length) bytes, found \(bytes.count)")
        }
        return bytes
    }

    public static func address(_ value: RPCValue?, method: String, field: String, endpoint: String = "")
        throws(RPCError) -> Address
    {
        let bytes = try data(value, method: method, field: field, endpoint: endpoint)
        guard let address = Address(bytes: bytes) else {
            throw malformed(method, field, endpoint, "expected a 20-byte address, found \(bytes.count) bytes")
        }
        return address
    }

    /// Like the readers above, for fields that may be absent or null.
    static func optional<T>(_ value: RPCValue?, _ read: (RPCValue) throws(RPCError) -> T) throws(RPCError) -> T? {
        guard let value, !value.isNull else { return nil }
        return try read(value)
    }
}
