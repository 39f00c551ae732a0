import ArgumentParser

public struct Volltext: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "volltext",
        abstract: "German-aware full-text search for blogs.",
        subcommands: []
    )
    public init() {}
}
