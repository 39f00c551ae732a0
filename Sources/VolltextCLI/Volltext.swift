import ArgumentParser

/// The `volltext` command: it only lists the subcommands, each in its own file.
public struct Volltext: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "volltext",
        abstract: "German-aware full-text search for blogs.",
        subcommands: [IndexCommand.self, SearchCommand.self, StatsCommand.self, AnalyzeCommand.self, StemCommand.self]
    )

    public init() {}
}

/// Exit statuses beyond ArgumentParser's 0 (success), 1 (failure) and 64 (usage).
enum ExitStatus {
    /// Bad input data (sysexits' EX_DATAERR): the command did what it could and says what was wrong.
    static let dataError = ExitCode(65)
}
