import ArgumentParser
import Foundation

/// The `volltext` command: it only lists the subcommands, each in its own file.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct Volltext: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "volltext",
        abstract: "German-aware full-text search for blogs.",
        subcommands: [IndexCommand.self, SearchCommand.self, ServeCommand.self, StatsCommand.self, AnalyzeCommand.self, StemCommand.self]
    )

    public init() {}

    /// Errors read `volltext: message`, as Unix tools write them.
    public static var _errorPrefix: String { "volltext: " }
}

/// Exit statuses beyond ArgumentParser's 0 (success), 1 (failure) and 64 (usage).
enum ExitStatus {
    /// Bad input data (sysexits' EX_DATAERR): the command did what it could and says what was wrong.
    static let dataError = ExitCode(65)
    /// Output that could not be written (sysexits' EX_IOERR).
    static let ioError = ExitCode(74)
}

extension Volltext {
    /// Runs the command line. Called through a generic constrained to
    /// `AsyncParsableCommand`, so that the asynchronous `main()` is chosen:
    /// from a concrete call site Swift prefers `ParsableCommand`'s synchronous one.
    public static func runFromCommandLine() async {
        await runAsync(Volltext.self)
    }

    /// ArgumentParser's `main()`, except that errors are first worded for the
    /// command line (``CommandFailure``), which also gives their exit status.
    private static func runAsync<Command: AsyncParsableCommand>(_: Command.Type) async {
        do {
            var command = try Command.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            standardOutput.flush()
            guard let failure = CommandFailure(error) else { Command.exit(withError: error) }
            let message = Command.fullMessage(for: failure)
            if !message.isEmpty { printError(message) }
            Foundation.exit(failure.status.rawValue)
        }
    }
}
