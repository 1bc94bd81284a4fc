package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * {@link Operations} that record each call (as {@code "check apply=true"}, {@code "approve 1.2.3"},
 * {@code "rollback"}, {@code "backup"}, {@code "restore /path"}) and answer what the test scripted;
 * by default a success with code {@code ok}.
 */
public class ScriptedOperations implements Operations {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile Function<String, OperationResult> answer =
            call -> OperationResult.ok(call.split(" ")[0], OperationCode.NOTHING_TO_DO, "did " + call);

    /** Every later call answers {@code result}. */
    public ScriptedOperations answering(OperationResult result) {
        return answering(call -> result);
    }

    public ScriptedOperations answering(Function<String, OperationResult> answer) {
        this.answer = answer;
        return this;
    }

    public List<String> calls() {
        return List.copyOf(calls);
    }

    private OperationResult record(String call) {
        calls.add(call);
        return answer.apply(call);
    }

    @Override
    public OperationResult check(boolean apply) {
        return record("check apply=" + apply);
    }

    @Override
    public OperationResult approve(String version) {
        return record("approve " + version);
    }

    @Override
    public OperationResult downgrade() {
        return record("downgrade");
    }

    @Override
    public OperationResult rollback() {
        return record("rollback");
    }

    @Override
    public OperationResult backup() {
        return record("backup");
    }

    @Override
    public OperationResult restore(Path dump) {
        return record("restore " + dump);
    }
}
