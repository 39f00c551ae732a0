import ArgumentParser

/// The `volltext` command: it only lists the subcommands, each in its own file.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct Volltext: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "volltext",
        abstract: "German-aware full-text search for blogs.",
        subcommands: [IndexCommand.self, SearchCommand.self, ServeCommand.self, StatsCommand.self, AnalyzeCommand.self, StemCommand.self]
    )

    public init() {}
}

/// Exit statuses beyond ArgumentParser's 0 (success), 1 (failure) and 64 (usage).
enum ExitStatus {
    /// Bad input data (sysexits' EX_DATAERR): the command did what it could and says what was wrong.
    static let dataError = ExitCode(65)
}

extension Volltext {
    /// Runs the command line. Called through a generic constrained to
    /// `AsyncParsableCommand`, so that the asynchronous `main()` is chosen:
    /// from a concrete call site Swift prefers `ParsableCommand`'s synchronous one.
    public static func runFromCommandLine() async {
        await runAsync(Volltext.self)
    }

    private static func runAsync<Command: AsyncParsableCommand>(_: Command.Type) async {
        await Command.main()
    }
}
