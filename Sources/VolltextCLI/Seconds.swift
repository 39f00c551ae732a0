import ArgumentParser

/// A time given in seconds on the command line (`0.5`, `30`): a finite,
/// non-negative number, or ArgumentParser rejects it, naming the option.
/// Each option checks its own range in `validate()`.
struct Seconds: ExpressibleByArgument, Comparable, CustomStringConvertible, Sendable {
    let value: Double

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        guard let value = Double(argument), value.isFinite, value >= 0 else { return nil }
        self.value = value
    }

    var duration: Duration { .nanoseconds(Int64((value * 1e9).rounded())) }
    var description: String { value == value.rounded() ? String(Int(value)) : String(value) }
    var defaultValueDescription: String { description }

    static func < (a: Seconds, b: Seconds) -> Bool { a.value < b.value }
}

extension ClosedRange<Seconds> {
    /// `--name must be 1 to 3600 seconds`, if `seconds` is outside.
    func check(_ seconds: Seconds, option: String) throws {
        guard contains(seconds) else {
            throw ValidationError("--\(option) must be \(lowerBound) to \(upperBound) seconds")
        }
    }
}
