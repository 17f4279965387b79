/// An on/off switch shown as `[x] on` / `[ ] off`, switched with `toggle()`.
public struct ToggleField: Sendable, Hashable {
    public var id: String
    public var label: String
    public var isOn: Bool

    public init(id: String, label: String, isOn: Bool = false) {
        self.id = id
        self.label = label
        self.isOn = isOn
    }

    /// Switches on or off.
    public mutating func toggle() { isOn.toggle() }

    public func render(into frame: inout Frame, area: Rect, focused: Bool, labelWidth: Int, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let x = FormDrawing.label(
            label, focused: focused, into: &frame, area: area, width: labelWidth, context: context)
        let text = isOn ? "[x] on" : "[ ] off"
        frame.write(
            text, x: x, y: area.y, style: context.style(focused ? .selection : (isOn ? .ok : .text)), clip: area)
    }
}
