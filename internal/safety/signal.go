package safety

// signalFraction is how far below its threshold a scorer probability still
// counts as a sign of danger for Signal.
const signalFraction = 0.5

// Signal reports whether the router saw any sign of danger, harm or a victim
// in a message, even one too weak to change the reply: a verdict other than
// None, or a scorer probability for urgent, deterrence, own thoughts or a
// victim or witness of at least half the policy's threshold for it. Nothing
// with a signal may be kept anywhere, even scrubbed: the engine keeps such a
// message out of the content-gap log.
func (r *Router) Signal(res Result) bool {
	if res.Verdict != None {
		return true
	}
	if r.scorer == nil {
		return false
	}
	th, sc := r.thresholds, res.Scores
	return sc.Urgent >= signalFraction*th.Urgent || sc.Deterrence >= signalFraction*th.Deterrence ||
		sc.OwnThoughts >= signalFraction*th.OwnThoughts || sc.Victim >= signalFraction*th.Victim
}
