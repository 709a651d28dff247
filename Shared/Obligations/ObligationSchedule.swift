import Models

/// Which notices fall due on a day: pure, so the notification service, a simulated clock and a
/// test all get the same answer from the same calendar, registry and record of what was met.
public struct ObligationSchedule: Sendable {
    public let calendar: ObligationCalendar
    public let registry: UnitRegistry
    /// Digests list obligations missed within this many days.
    public static let digestHorizonDays = 90

    public init(calendar: ObligationCalendar, registry: UnitRegistry) {
        self.calendar = calendar
        self.registry = registry
    }

    /// One obligation a unit has not met by its due day.
    public struct Missing: Sendable, Equatable {
        public let unit: String
        public let obligation: Obligation
        public let year: Int
        public let due: Day
    }

    /// A notice the schedule asks for, with its deterministic key.
    public struct DueNotice: Sendable, Equatable {
        public enum Stage: Sendable, Equatable {
            /// `daysBefore` days before the due day, to the unit.
            case reminder(daysBefore: Int)
            /// The day after the due day, to the unit.
            case overdue
            /// `escalation_days` after the due day, to the supervising unit.
            case escalation
            /// The weekly list of a supervisor's units that are missing something.
            case digest
        }

        /// `stage:recipient:…`: the same fact never makes two notices.
        public let key: String
        public let stage: Stage
        /// Whose inbox it goes to.
        public let recipient: String
        /// What is owed (one item, or a digest's list).
        public let missing: [Missing]
        public let day: Day
    }

    /// The notices due on `day`. `isMet(unit, obligation id, year)` says what was met by then.
    public func notices(on day: Day, isMet: (String, String, Int) -> Bool) -> [DueNotice] {
        var notices: [DueNotice] = []
        // Next year's too: a due date early in January is reminded of in December.
        for year in [day.year - 1, day.year, day.year + 1] where calendar.covers(year) {
            for obligation in calendar.obligations {
                guard let due = obligation.dueDay(in: year) else { continue }
                let offset = day.dayNumber - due.dayNumber
                let stage: DueNotice.Stage
                if offset < 0, calendar.reminderDays.contains(-offset) {
                    stage = .reminder(daysBefore: -offset)
                } else if offset == 1 {
                    stage = .overdue
                } else if offset == calendar.escalationDays {
                    stage = .escalation
                } else {
                    continue
                }
                for unit in owing(obligation, due: due) where !isMet(unit.id, obligation.id, year) {
                    let missing = Missing(unit: unit.id, obligation: obligation, year: year, due: due)
                    switch stage {
                    case .reminder(let days):
                        notices.append(
                            DueNotice(
                                key: "reminder:\(unit.id):\(obligation.id):\(year):\(days)", stage: stage,
                                recipient: unit.id, missing: [missing], day: day))
                    case .overdue:
                        notices.append(
                            DueNotice(
                                key: "overdue:\(unit.id):\(obligation.id):\(year)", stage: stage, recipient: unit.id,
                                missing: [missing], day: day))
                    case .escalation, .digest:
                        guard let supervisor = registry.supervisors(of: unit.id, during: due...due).first else {
                            continue
                        }
                        notices.append(
                            DueNotice(
                                key: "escalation:\(supervisor):\(unit.id):\(obligation.id):\(year)", stage: .escalation,
                                recipient: supervisor, missing: [missing], day: day))
                    }
                }
            }
        }
        if day.weekday == calendar.digestWeekday { notices += digests(on: day, isMet: isMet) }
        return notices
    }

    /// Each supervisor's list of its units' obligations missed in the last ``digestHorizonDays``.
    func digests(on day: Day, isMet: (String, String, Int) -> Bool) -> [DueNotice] {
        var bySupervisor: [String: [Missing]] = [:]
        for year in [day.year - 1, day.year] where calendar.covers(year) {
            for obligation in calendar.obligations {
                guard let due = obligation.dueDay(in: year) else { continue }
                let late = day.dayNumber - due.dayNumber
                guard late >= 1, late <= Self.digestHorizonDays else { continue }
                for unit in owing(obligation, due: due) where !isMet(unit.id, obligation.id, year) {
                    guard let supervisor = registry.supervisors(of: unit.id, during: due...due).first else { continue }
                    bySupervisor[supervisor, default: []].append(
                        Missing(unit: unit.id, obligation: obligation, year: year, due: due))
                }
            }
        }
        return bySupervisor.keys.sorted().map { supervisor in
            let missing = (bySupervisor[supervisor] ?? []).sorted {
                ($0.due, $0.unit, $0.obligation.id) < ($1.due, $1.unit, $1.obligation.id)
            }
            return DueNotice(
                key: "digest:\(supervisor):\(day)", stage: .digest, recipient: supervisor, missing: missing, day: day)
        }
    }

    /// The units that owe `obligation` due on `due`: of its kinds, existing on that day.
    public func owing(_ obligation: Obligation, due: Day) -> [Unit] {
        registry.allUnits.filter { obligation.unitKinds.contains($0.kind) }
            .compactMap { registry.unit($0.id, during: due...due) }
            .filter { obligation.unitKinds.contains($0.kind) }
    }
}
