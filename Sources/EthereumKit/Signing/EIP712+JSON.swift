import Basics

extension EIP712TypedData {
    /// Reads typed data in the JSON form `eth_signTypedData_v4` takes:
    /// `{"types": {…}, "primaryType": "…", "domain": {…}, "message": {…}}`.
    ///
    /// Atomic field values follow the JSON mapping of ABI values (`ABIValue.init(json:as:)`): integers as
    /// decimal strings, JSON integers or 0x hex; bytes and addresses as 0x hex strings; bools as JSON
    /// bools. Errors name the line and the field path (`message.pcrs[2]`), never the value.
    public init(jsonText: String) throws(EIP712Error) {
        let root: JSONNode
        do { root = try JSONDocumentParser.parse(jsonText) } catch {
            throw EIP712Error(
                code: .eip712JSON, path: "line \(error.line), column \(error.column)",
                reason: "not valid JSON: \(error.message)")
        }
        let top = try EIP712JSON.object(root, path: "typed data")
        var types: [String: [EIP712Field]] = [:]
        for member in try EIP712JSON.object(try EIP712JSON.member("types", of: top, root, path: ""), path: "types") {
            let path = "types." + member.key
            guard case .array(let items) = member.value.value else {
                throw EIP712JSON.expected("an array", member.value, path)
            }
            var fields: [EIP712Field] = []
            for (i, item) in items.enumerated() {
                let fieldPath = "\(path)[\(i)]"
                let entry = try EIP712JSON.object(item, path: fieldPath)
                let name = try EIP712JSON.string(
                    try EIP712JSON.member("name", of: entry, item, path: fieldPath), fieldPath + ".name")
                let type = try EIP712JSON.string(
                    try EIP712JSON.member("type", of: entry, item, path: fieldPath), fieldPath + ".type")
                fields.append(EIP712Field(name, type))
            }
            types[member.key] = fields
        }
        let primaryNode = try EIP712JSON.member("primaryType", of: top, root, path: "")
        let primaryType = try EIP712JSON.string(primaryNode, "primaryType")
        guard types[primaryType] != nil else {
            throw EIP712Error(code: .eip712UnknownType, path: "primaryType", reason: "\(primaryType) is not in types")
        }
        let domainNode = try EIP712JSON.member("domain", of: top, root, path: "")
        let messageNode = try EIP712JSON.member("message", of: top, root, path: "")
        var data = EIP712TypedData(types: types, primaryType: primaryType, domain: [:], message: [:])
        // Without an EIP712Domain type, the domain's fields have the EIP's standard types.
        let standardDomain: [String: String] = [
            "name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address",
            "salt": "bytes32",
        ]
        var domainFields: [String: String] = standardDomain
        if let given = types["EIP712Domain"] {
            domainFields = Dictionary(given.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        }
        var domain: [String: EIP712Value] = [:]
        for member in try EIP712JSON.object(domainNode, path: "domain") {
            let path = "domain." + member.key
            guard let type = domainFields[member.key] else {
                throw EIP712Error(code: .eip712UnknownField, path: path, reason: "not a field of EIP712Domain")
            }
            domain[member.key] = try EIP712JSON.value(member.value, type: type, types: types, path: path)
        }
        data.domain = domain
        data.message = try EIP712JSON.structValue(messageNode, name: primaryType, types: types, path: "message")
        self = data
    }
}

/// JSON → `EIP712Value` by the schema, sharing the ABI JSON mapping for atomic values.
enum EIP712JSON {
    static func expected(_ what: String, _ node: JSONNode, _ path: String) -> EIP712Error {
        EIP712Error(
            code: .eip712JSON, path: path,
            reason: "expected \(what), found \(node.value.typeName) (line \(node.line), column \(node.column))")
    }

    static func object(_ node: JSONNode, path: String) throws(EIP712Error) -> [JSONMember] {
        guard case .object(let members) = node.value else { throw expected("an object", node, path) }
        return members
    }

    static func member(_ key: String, of members: [JSONMember], _ node: JSONNode, path: String) throws(EIP712Error)
        -> JSONNode
    {
        guard let m = members.first(where: { $0.key == key }) else {
            throw EIP712Error(
                code: .eip712MissingValue, path: path.isEmpty ? key : path + "." + key,
                reason: "missing (the object starts at line \(node.line))")
        }
        return m.value
    }

    static func string(_ node: JSONNode, _ path: String) throws(EIP712Error) -> String {
        guard case .string(let s) = node.value else { throw expected("a string", node, path) }
        return s
    }

    static func structValue(_ node: JSONNode, name: String, types: [String: [EIP712Field]], path: String)
        throws(EIP712Error) -> [String: EIP712Value]
    {
        guard let fields = types[name] else {
            throw EIP712Error(code: .eip712UnknownType, path: path, reason: "unknown struct type \(name)")
        }
        var out: [String: EIP712Value] = [:]
        for member in try object(node, path: path) {
            let fieldPath = path + "." + member.key
            guard let field = fields.first(where: { $0.name == member.key }) else {
                throw EIP712Error(code: .eip712UnknownField, path: fieldPath, reason: "not a field of \(name)")
            }
            out[member.key] = try value(member.value, type: field.type, types: types, path: fieldPath)
        }
        return out
    }

    static func value(_ node: JSONNode, type: String, types: [String: [EIP712Field]], path: String)
        throws(EIP712Error) -> EIP712Value
    {
        if let (element, length) = EIP712.arrayElement(type) {
            guard case .array(let items) = node.value else { throw expected("an array for \(type)", node, path) }
            if let length, items.count != length {
                throw EIP712Error(path: path, reason: "expected \(length) elements, found \(items.count)")
            }
            var out: [EIP712Value] = []
            for (i, item) in items.enumerated() {
                out.append(try value(item, type: element, types: types, path: "\(path)[\(i)]"))
            }
            return .array(out)
        }
        if types[type] != nil { return .object(try structValue(node, name: type, types: types, path: path)) }
        let abiType: ABIType
        do { abiType = try ABIType(parsing: type) } catch {
            throw EIP712Error(code: .eip712UnknownType, path: path, reason: "unknown type \(type)")
        }
        let abiValue: ABIValue
        do { abiValue = try ABIValue(json: node, as: abiType) } catch {
            throw EIP712Error(path: path, reason: "\(error.reason) (line \(error.line), column \(error.column))")
        }
        switch abiValue {
        case .uint(let v): return .uint(v)
        case .int(let v): return .int(v)
        case .address(let a): return .address(a)
        case .bool(let b): return .bool(b)
        case .bytes(let b), .fixedBytes(let b): return .bytes(b)
        case .string(let s): return .string(s)
        case .array, .tuple:
            throw EIP712Error(code: .eip712UnknownType, path: path, reason: "\(type) is not an EIP-712 type")
        }
    }
}
